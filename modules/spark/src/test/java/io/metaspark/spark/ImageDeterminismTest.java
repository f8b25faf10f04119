package io.metaspark.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.algo.FirstOrderMaml;
import io.metaspark.core.algo.HessianVectorProduct;
import io.metaspark.core.algo.MamlPlusPlus;
import io.metaspark.core.algo.MetaAlgorithm;
import io.metaspark.core.algo.PerLayerPerStepRates;
import io.metaspark.core.algo.PerStepBatchNorm;
import io.metaspark.core.algo.ProtoNet;
import io.metaspark.core.algo.ScalarSgd;
import io.metaspark.core.model.BatchNormParameters;
import io.metaspark.core.model.Conv4;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.optim.Adam;
import io.metaspark.core.task.TaskSampler;
import io.metaspark.core.task.image.ClassSplit;
import io.metaspark.core.task.image.EpisodeTaskFamily;
import io.metaspark.core.task.image.ImagePreprocessing;
import io.metaspark.spark.data.ImageFolderSource;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

/**
 * Image runs are as reproducible as sinusoid runs: episodes come from the task's seed and the
 * class set, never from which executor thread decoded or sampled them.
 */
class ImageDeterminismTest {
  /** Absolute: executor JVMs of their own ({@link ExecutorJvmTest}) run in another directory. */
  private static final String GLYPHS = Path.of("../../src-test-data/glyphs").toAbsolutePath().normalize() + "/";
  /** 16 filters: oneDNN keeps those activations in blocked layouts, converted on the way in and out. */
  static final ModelSpec MODEL = Conv4.of(28, 3).filters(16).downsample("stride").seed(3).toSpec();
  /** Prototypical Networks' conv4: no softmax layer, max pooling. */
  private static final ModelSpec EMBEDDING = Conv4.embedding(28).filters(4).downsample("pool").seed(3).toSpec();

  @Test
  void oneOrTwoThreadsGiveBitIdenticalParameters() {
    MetaAlgorithm fomaml = new FirstOrderMaml(new Adaptation(new ScalarSgd(0.4), 1));
    assertBitIdentical(MODEL, fomaml);
  }

  /** MAML++ with per-step batch-norm sets: the sets are meta-parameters summed like the network's. */
  @Test
  void mamlPlusPlusWithPerStepBatchNormIsBitIdenticalToo() {
    Adaptation adaptation = new Adaptation(new PerStepBatchNorm(new PerLayerPerStepRates(MODEL.layout(), 2, 0.4),
        BatchNormParameters.affine(MODEL.newNetwork()), 2), 2);
    assertBitIdentical(MODEL, new MamlPlusPlus(adaptation, HessianVectorProduct.exactWhereAvailable(0), 2, 0));
  }

  @Test
  void prototypicalNetworksAreBitIdenticalToo() {
    assertBitIdentical(EMBEDDING, new ProtoNet());
  }

  private static void assertBitIdentical(ModelSpec model, MetaAlgorithm algorithm) {
    double[] start = algorithm.init(model.initialParams());
    double[] oneThread = run("local[1]", 1, start, model, algorithm);
    double[] twoThreads = run("local[2]", 2, start, model, algorithm);
    double[] fivePartitions = run("local[2]", 5, start, model, algorithm);
    assertFalse(Arrays.equals(start, oneThread), "training moved the parameters");
    assertArrayEquals(oneThread, twoThreads);
    assertArrayEquals(oneThread, fivePartitions);
  }

  private static double[] run(String master, int partitions, double[] start, ModelSpec model,
      MetaAlgorithm algorithm) {
    try (JavaSparkContext sc = LocalSpark.start(master)) {
      return train(sc, partitions, start, model, algorithm);
    }
  }

  /** Four iterations of {@code algorithm} on the glyphs, meta-batch 6, from {@code start}. */
  static double[] train(JavaSparkContext sc, int partitions, double[] start, ModelSpec model,
      MetaAlgorithm algorithm) {
    ImageFolderSource glyphs = new ImageFolderSource(List.of(GLYPHS + "images_background", GLYPHS + "images_evaluation"),
        ImagePreprocessing.omniglot(), true);
    EpisodeTaskFamily family = new EpisodeTaskFamily(glyphs, ClassSplit.omniglotAlphabets(0, 1), ClassSplit.Part.TRAIN,
        3, 1, 2);
    Adam adam = Adam.withDefaults(0.001);
    TrainingPlan plan = TrainingPlan.builder(new TaskRunner(model, family, algorithm), new TaskSampler(42), adam)
        .iterations(4).metaBatch(6).partitions(partitions).treeDepth(2).measureEvery(2).maxSkippedUpdates(3).build();
    return new SparkMetaTrainer(sc, plan).train(new TrainingState(0, start, adam.init(start)), (r, s) -> {})
        .params();
  }
}
