package io.metaspark.app.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.spark.TrainingPlan;
import org.junit.jupiter.api.Test;

/** The forecast's arithmetic: compute per executor, the link's bytes, and the meta-batch solved for. */
class ScalingForecastTest {
  private static final Workload CONV4 = new Workload("conv4", 113_733, 43.7, 32, "test");
  private final ScalingForecast loopback = new ScalingForecast(CostModelTest.known(), 0, 7, TrainingPlan.AUTO_TREE_DEPTH);
  private final ScalingForecast tenGbit = new ScalingForecast(CostModelTest.known(), 10e9, 7,
      TrainingPlan.AUTO_TREE_DEPTH);

  @Test
  void computeIsTheTasksOfOneExecutorAndOneExecutorIsFullyEfficient() {
    assertEquals(32 * 43.7, loopback.jobsMode(CONV4, 1, 32).compute(), 1e-9);
    assertEquals(4 * 43.7, loopback.jobsMode(CONV4, 8, 32).compute(), 1e-9);
    assertEquals(43.7, loopback.jobsMode(CONV4, 256, 32).compute(), 1e-9, "never more partitions than tasks");
    assertEquals(1.0, loopback.efficiency(CONV4, 1, 32), 1e-12);
    assertTrue(loopback.efficiency(CONV4, 256, 32) <= 32.0 / 256, "224 executors idle");
  }

  @Test
  void aLinkAddsTheBytesThroughItsBusiestReceiver() {
    assertEquals(0, loopback.jobsMode(CONV4, 16, 32).network());
    // 16 partitions, depth 1: the closure through ceil(log2 17) = 5 rounds of copies, 16 partials into the driver
    double bytes = 8.0 * 113_733 * 5 + 16 * 7.0 * 113_733;
    assertEquals(bytes * 8 / 10e9 * 1e3, tenGbit.jobsMode(CONV4, 16, 32).network(), 1e-9);
    assertEquals(loopback.jobsMode(CONV4, 16, 32).aggregation(), tenGbit.jobsMode(CONV4, 16, 32).aggregation());
  }

  @Test
  void theMetaBatchSolvedForIsTheSmallestMultipleOfTheExecutorsThatReachesTheTarget() {
    for (int executors : new int[] {2, 16, 64, 256}) {
      int batch = tenGbit.metaBatchFor(CONV4, executors, 0.8);
      assertEquals(0, batch % executors);
      assertTrue(tenGbit.efficiency(CONV4, executors, batch) >= 0.8, executors + " executors, meta-batch " + batch);
      if (batch > executors) {
        assertTrue(tenGbit.efficiency(CONV4, executors, batch - executors) < 0.8,
            executors + " executors: " + (batch - executors) + " was already enough");
      }
    }
  }
}
