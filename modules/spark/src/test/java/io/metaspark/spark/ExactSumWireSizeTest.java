package io.metaspark.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.algo.FirstOrderMaml;
import io.metaspark.core.algo.ScalarSgd;
import io.metaspark.core.model.Conv4;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.sum.OutcomeSum;
import io.metaspark.core.task.TaskDescriptor;
import io.metaspark.core.task.TaskSampler;
import io.metaspark.core.task.image.ClassSplit;
import io.metaspark.core.task.image.EpisodeTaskFamily;
import io.metaspark.core.task.image.ImagePreprocessing;
import io.metaspark.spark.data.ImageFolderSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * What a partition's exact partial sum weighs on the wire (barrier mode's exchange and jobs mode's
 * Kryo both send {@link OutcomeSum#toBytes}), counted for real meta-gradients: the sinusoid MLP's
 * MAML outcomes and the paper's Omniglot conv4 (64 filters, 5-way) first-order outcomes on the
 * glyph fixture, a meta-batch of 32 split over 2, 8 and 32 partitions. Counted, not timed;
 * docs/PERFORMANCE.md has the table this writes to target/exact-sum-wire.tsv. Every partial must
 * come back from its bytes merging to the meta-batch's mean bit for bit.
 */
class ExactSumWireSizeTest {
  private static final int META_BATCH = 32;
  private static final int[] PARTITIONS = {2, 8, 32};
  private static final String GLYPHS = "../../src-test-data/glyphs/";

  @Test
  void partialSumsOfRealMetaGradientsComeBackFromTheirBytesBitForBit() throws IOException {
    StringBuilder table = new StringBuilder("model\tparameters\tpartitions\toutcomes per partial\tbytes sent"
        + "\tbytes per parameter per partial\n");
    TrainingPlan sinusoid = SinusoidPlans.plan("maml", 1, META_BATCH, 2);
    double[] mlp = SinusoidPlans.start(sinusoid).params();
    count("sinusoid MLP 1-40-40-1, MAML", outcomes(sinusoid.runner(), mlp, sinusoid.sampler()), mlp.length, table);

    ModelSpec conv4 = Conv4.of(28, 5).downsample("stride").seed(3).toSpec();
    ImageFolderSource glyphs = new ImageFolderSource(List.of(GLYPHS + "images_background", GLYPHS + "images_evaluation"),
        ImagePreprocessing.omniglot(), true);
    TaskRunner images = new TaskRunner(conv4, new EpisodeTaskFamily(glyphs, ClassSplit.omniglotAlphabets(0, 1),
        ClassSplit.Part.TRAIN, 5, 1, 1), new FirstOrderMaml(new Adaptation(new ScalarSgd(0.4), 1)));
    double[] conv = conv4.initialParams();
    count("Omniglot conv4 (64 filters, 5-way), first-order MAML", outcomes(images, conv, new TaskSampler(42)),
        conv.length, table);

    Path out = Path.of("target", "exact-sum-wire.tsv");
    Files.createDirectories(out.getParent());
    Files.writeString(out, table);
    System.out.print(table);
  }

  private static List<OutcomeSum> outcomes(TaskRunner runner, double[] params, TaskSampler sampler) {
    List<OutcomeSum> single = new ArrayList<>();
    for (TaskDescriptor task : sampler.metaBatch(0, META_BATCH)) {
      single.add(OutcomeSum.empty().add(runner.outcome(task, params, true)));
    }
    return single;
  }

  private static void count(String model, List<OutcomeSum> single, int params, StringBuilder table) {
    OutcomeSum whole = OutcomeSum.empty();
    single.forEach(whole::merge);
    OutcomeSum.MeanOutcome want = whole.mean();
    for (int partitions : PARTITIONS) {
      long bytes = 0;
      OutcomeSum merged = OutcomeSum.empty();
      for (int p = 0; p < partitions; p++) {
        // barrier mode's split: partition p sums the tasks whose index is p modulo P
        OutcomeSum mine = OutcomeSum.empty();
        for (int i = p; i < single.size(); i += partitions) {
          mine.merge(single.get(i));
        }
        byte[] encoded = mine.toBytes();
        bytes += encoded.length;
        merged.merge(OutcomeSum.fromBytes(encoded, params));
      }
      OutcomeSum.MeanOutcome got = merged.mean();
      assertArrayEquals(want.metaGradient(), got.metaGradient(), model + ", " + partitions + " partitions");
      assertEquals(Double.doubleToRawLongBits(want.queryLossAfter()), Double.doubleToRawLongBits(got.queryLossAfter()));
      table.append(model).append('\t').append(params).append('\t').append(partitions).append('\t')
          .append(META_BATCH / partitions).append('\t').append(bytes).append('\t')
          .append(String.format(Locale.ROOT, "%.2f", (double) bytes / partitions / params)).append('\n');
    }
  }
}
