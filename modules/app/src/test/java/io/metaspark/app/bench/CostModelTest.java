package io.metaspark.app.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.app.bench.CostModel.Coefficient;
import io.metaspark.spark.TrainingPlan;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fit recovers the coefficients that made synthetic runs, and keeps every cost non-negative. */
class CostModelTest {
  static final List<String> MASTERS = List.of("local[2]", "local-cluster[1,1,1024]", "local-cluster[2,1,1024]",
      "local-cluster[3,1,1024]", "local-cluster[4,1,1024]");
  static final List<Integer> PARTITIONS = List.of(1, 2, 4, 8, 16, 32, 64);
  static final List<Long> PARAMS = List.of(2_000L, 100_000L, 1_000_000L);

  /** Made-up costs of the right sizes (ms, and ms per million parameters), every one of them non-zero. */
  static CostModel known() {
    Map<Coefficient, Double> ms = new EnumMap<>(Coefficient.class);
    ms.put(Coefficient.JOB, 9.0);
    ms.put(Coefficient.REMOTE_JOB, 12.0);
    ms.put(Coefficient.TASK_DRIVER, 0.4);
    ms.put(Coefficient.TASK_WAVE, 0.7);
    ms.put(Coefficient.TREE_LEVEL, 150.0);
    ms.put(Coefficient.CLOSURE, 25.0);
    ms.put(Coefficient.CLOSURE_TASK, 3.0);
    ms.put(Coefficient.CLOSURE_FETCH, 6.0);
    ms.put(Coefficient.PARTIAL_EXECUTOR, 12.0);
    ms.put(Coefficient.PARTIAL_DRIVER, 20.0);
    ms.put(Coefficient.PARTIAL_REDUCER, 30.0);
    Map<Coefficient, Double> zero = new EnumMap<>(Coefficient.class);
    ms.keySet().forEach(c -> zero.put(c, 0.0));
    return new CostModel(ms, zero, Map.of(), 0);
  }

  /** Every master, partition count, parameter count and kind of run, timed as {@code truth} says, times (1 + noise). */
  static List<CostRun> runs(CostModel truth, List<Integer> partitions, double noise, long seed) {
    Random random = new Random(seed);
    List<CostRun> runs = new ArrayList<>();
    for (String master : MASTERS) {
      for (int p : partitions) {
        for (long n : PARAMS) {
          for (String run : List.of(CostRun.SCHEDULE, CostRun.SHIP, CostRun.AGGREGATE)) {
            CostRun shape = new CostRun(master, p, n, run, 1, "synthetic");
            double ms = truth.predict(shape, 2) * (1 + noise * (2 * random.nextDouble() - 1));
            runs.add(new CostRun(master, p, n, run, ms, "synthetic:" + (runs.size() + 1)));
          }
        }
      }
    }
    return runs;
  }

  @Test
  void recoversTheCoefficientsThatMadeTheRuns() {
    CostModel truth = known();
    CostModel fitted = CostModel.fit(runs(truth, PARTITIONS, 0, 1), 2);
    for (Coefficient c : Coefficient.values()) {
      assertNull(fitted.unfitted(c), c + " was not fitted");
      assertEquals(truth.ms(c), fitted.ms(c), 1e-9 * truth.ms(c), c.name());
    }
  }

  @Test
  void withTwoPercentNoiseTheLargeCostsStayWithinAFewPercent() {
    CostModel truth = known();
    CostModel fitted = CostModel.fit(runs(truth, PARTITIONS, 0.02, 7), 2);
    // the per-parameter costs are what the forecast extrapolates; the 2k-parameter jobs pin the fixed ones
    for (Coefficient c : List.of(Coefficient.JOB, Coefficient.CLOSURE, Coefficient.PARTIAL_DRIVER,
        Coefficient.PARTIAL_EXECUTOR, Coefficient.TREE_LEVEL, Coefficient.PARTIAL_REDUCER)) {
      assertEquals(truth.ms(c), fitted.ms(c), 0.1 * truth.ms(c), c.name());
    }
    IterationShape cluster = IterationShape.onCluster(256, 256, 10_000_000, TrainingPlan.AUTO_TREE_DEPTH);
    for (CostModel.Term t : CostModel.Term.values()) {
      assertEquals(truth.term(t, cluster), fitted.term(t, cluster), 0.05 * truth.term(t, cluster), t.name());
    }
  }

  @Test
  void aCostFittedBelowZeroIsFixedAtZeroAndTheRestRefitted() {
    // scheduling that gets cheaper with more partitions: no per-task cost can be negative
    List<CostRun> runs = new ArrayList<>();
    for (String master : MASTERS) {
      for (int p : PARTITIONS) {
        runs.add(new CostRun(master, p, 2_000, CostRun.SCHEDULE, 30 - 0.3 * p, "synthetic"));
      }
    }
    CostModel fitted = CostModel.fit(runs, 2);
    assertTrue(fitted.unfitted(Coefficient.TASK_DRIVER) == CostModel.Unfitted.NEGATIVE
        || fitted.unfitted(Coefficient.TASK_WAVE) == CostModel.Unfitted.NEGATIVE, "a per-task cost fixed at 0");
    for (Coefficient c : Coefficient.values()) {
      assertTrue(fitted.ms(c) >= 0, c + " = " + fitted.ms(c));
    }
    assertEquals(CostModel.Unfitted.NOT_IN_THE_RUNS, fitted.unfitted(Coefficient.CLOSURE), "schedule runs ship nothing");
  }

  @Test
  void withoutATreeTheTreeCostsAreNotInTheRuns() {
    CostModel fitted = CostModel.fit(runs(known(), List.of(1, 2, 4, 8, 16, 32), 0, 1), 2);
    assertEquals(CostModel.Unfitted.NOT_IN_THE_RUNS, fitted.unfitted(Coefficient.TREE_LEVEL));
    assertEquals(CostModel.Unfitted.NOT_IN_THE_RUNS, fitted.unfitted(Coefficient.PARTIAL_REDUCER));
    assertEquals(known().ms(Coefficient.PARTIAL_DRIVER), fitted.ms(Coefficient.PARTIAL_DRIVER), 1e-9);
  }
}
