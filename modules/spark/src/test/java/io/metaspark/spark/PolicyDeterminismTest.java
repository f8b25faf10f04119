package io.metaspark.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.algo.ScalarSgd;
import io.metaspark.core.model.MlpShorthand;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.optim.Adam;
import io.metaspark.core.rl.BernoulliBandit;
import io.metaspark.core.rl.EnvironmentFamily;
import io.metaspark.core.rl.EnvironmentTaskFamily;
import io.metaspark.core.rl.Navigation2d;
import io.metaspark.core.rl.PolicyGradientMaml;
import io.metaspark.core.rl.RolloutSettings;
import io.metaspark.core.task.TaskSampler;
import java.util.Arrays;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * MAML-RL runs are as reproducible as supervised ones: a task's rollouts come from its seed, the
 * collection and the parameters, never from which executor thread ran the policy, so one thread,
 * two threads and five partitions give bit-identical meta-parameters (log-std included).
 */
class PolicyDeterminismTest {
  @Test
  void navigationIsBitIdenticalOnOneAndTwoThreadsAndFivePartitions() {
    assertBitIdentical(new Navigation2d(20), "2-16-2", false);
  }

  @Test
  void banditsFirstOrderAreBitIdenticalToo() {
    assertBitIdentical(new BernoulliBandit(3, 15), "1-8-3", true);
  }

  private static void assertBitIdentical(EnvironmentFamily environments, String mlp, boolean firstOrder) {
    ModelSpec model = MlpShorthand.parse(mlp).activation("relu").dataType(DataType.DOUBLE).seed(3).toSpec();
    PolicyGradientMaml algorithm = new PolicyGradientMaml(new Adaptation(new ScalarSgd(0.1), 1),
        environments.observationSize(), environments.actionSpace(), -0.5, firstOrder);
    double[] start = algorithm.init(model.initialParams());
    EnvironmentTaskFamily family = new EnvironmentTaskFamily(environments, new RolloutSettings(4, 4, 0.99, 0.95));
    double[] oneThread = run("local[1]", 1, start, model, family, algorithm);
    double[] twoThreads = run("local[2]", 2, start, model, family, algorithm);
    double[] fivePartitions = run("local[2]", 5, start, model, family, algorithm);
    assertFalse(Arrays.equals(start, oneThread), "training moved the parameters");
    assertArrayEquals(oneThread, twoThreads);
    assertArrayEquals(oneThread, fivePartitions);
  }

  private static double[] run(String master, int partitions, double[] start, ModelSpec model,
      EnvironmentTaskFamily family, PolicyGradientMaml algorithm) {
    Adam adam = Adam.withDefaults(0.01);
    TrainingPlan plan = TrainingPlan.builder(new TaskRunner(model, family, algorithm), new TaskSampler(42), adam)
        .iterations(3).metaBatch(6).partitions(partitions).treeDepth(2).measureEvery(1).maxSkippedUpdates(3).build();
    try (JavaSparkContext sc = LocalSpark.start(master)) {
      return new SparkMetaTrainer(sc, plan).train(new TrainingState(0, start, adam.init(start)), (r, s) -> {})
          .params();
    }
  }
}
