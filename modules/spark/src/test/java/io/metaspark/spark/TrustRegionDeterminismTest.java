package io.metaspark.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.algo.ScalarSgd;
import io.metaspark.core.model.MlpShorthand;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.optim.TrustRegion;
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
 * MAML-RL with the TRPO outer step in barrier mode: every partition keeps its tasks for the step's
 * rounds and runs the step's arithmetic on the same exchanged sums, so one, two and three
 * partitions end with bit-identical meta-parameters, and a run resumed from its state after two
 * iterations ends where the straight run does. Jobs mode refuses the step, naming what to set.
 */
class TrustRegionDeterminismTest {
  private static final Navigation2d NAVIGATION = new Navigation2d(20);
  private static final ModelSpec MODEL =
      MlpShorthand.parse("2-16-2").activation("relu").dataType(DataType.DOUBLE).seed(3).toSpec();
  private static final PolicyGradientMaml ALGORITHM = new PolicyGradientMaml(new Adaptation(new ScalarSgd(0.1), 1),
      2, NAVIGATION.actionSpace(), -0.5, false);
  private static final EnvironmentTaskFamily FAMILY =
      new EnvironmentTaskFamily(NAVIGATION, new RolloutSettings(4, 4, 0.99, 1.0));
  private static final TrustRegion TRPO = new TrustRegion(0.01, 10, 0.01, 15, 0.8);

  @Test
  void oneTwoAndThreePartitionsAndAResumedRunAreBitIdentical() {
    double[] start = ALGORITHM.init(MODEL.initialParams());
    TrainingState fresh = new TrainingState(0, start, TRPO.init(start));
    TrainingState one = run("local[1]", 1, 4, fresh);
    TrainingState two = run("local[2]", 2, 4, fresh);
    TrainingState three = run("local[3]", 3, 4, fresh);
    assertFalse(Arrays.equals(start, one.params()), "training moved the parameters");
    assertEquals(4, one.optimizerState().counter("count"));
    assertArrayEquals(one.params(), two.params());
    assertArrayEquals(one.params(), three.params());
    assertEquals(one.optimizerState(), two.optimizerState());

    TrainingState half = run("local[2]", 2, 2, fresh);
    TrainingState resumed = run("local[2]", 2, 4, half);
    assertArrayEquals(one.params(), resumed.params());
    assertEquals(one.optimizerState(), resumed.optimizerState());
  }

  @Test
  void jobsModeRefusesTheTrustRegionStepNamingTheSetting() {
    TrainingPlan plan = plan(2, 2).toBuilder().mode(ExecutionMode.AUTO).build();
    try (JavaSparkContext sc = LocalSpark.start("local[1]")) {
      String message = assertThrows(IllegalArgumentException.class, () -> new SparkMetaTrainer(sc, plan)).getMessage();
      assertTrue(message.contains("barrier mode only") && message.contains("spark.mode = barrier"), message);
    }
  }

  private static TrainingState run(String master, int partitions, long iterations, TrainingState from) {
    try (JavaSparkContext sc = LocalSpark.start(master)) {
      return new SparkMetaTrainer(sc, plan(partitions, iterations)).train(from, (r, s) -> {});
    }
  }

  private static TrainingPlan plan(int partitions, long iterations) {
    return TrainingPlan.builder(new TaskRunner(MODEL, FAMILY, ALGORITHM), new TaskSampler(42), TRPO)
        .iterations(iterations).metaBatch(6).partitions(partitions).measureEvery(2).maxSkippedUpdates(3)
        .mode(ExecutionMode.BARRIER).build();
  }
}
