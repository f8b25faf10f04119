package io.metaspark.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.core.task.Examples;
import io.metaspark.core.task.SinusoidTaskFamily;
import io.metaspark.core.task.SupervisedTaskFamily;
import io.metaspark.core.task.TaskData;
import io.metaspark.core.task.TaskDescriptor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Barrier mode computes what jobs mode computes, bit for bit, and tells the listener the same
 * things: across several segments, through a rerun barrier stage, and up to a divergence.
 */
class BarrierModeTest {
  // logged every 5 (SinusoidPlans): segments [0], [1-5], [6-7] (the listener asks for 7), [8-10], [11]
  private static final int ITERATIONS = 12;
  private static final int META_BATCH = 9;
  private static final long STATE_WANTED = 7;

  @ParameterizedTest
  @ValueSource(strings = {"maml", "reptile"})
  void barrierSegmentsGiveTheJobsModesParametersAndReportsBitForBit(String algorithm) {
    TrainingPlan plan = SinusoidPlans.plan(algorithm, SinusoidTaskFamily.mamlProtocol(10, 10), ITERATIONS, META_BATCH,
        2, 1);
    Recorded jobs;
    Recorded barrier;
    try (JavaSparkContext sc = LocalSpark.start("local[2]")) {
      jobs = run(sc, plan);
      barrier = run(sc, plan.toBuilder().mode(ExecutionMode.BARRIER).build());
    }

    assertFalse(Arrays.equals(SinusoidPlans.start(plan).params(), jobs.end), "training moved the parameters");
    assertArrayEquals(jobs.end, barrier.end);
    assertEquals(jobs.reports(), barrier.reports(), "losses, norms, skips per iteration");
    assertEquals(List.of(0L, 5L, 7L, 10L, 11L), List.copyOf(barrier.states.keySet()),
        "the state where the listener needs it: logged iterations, iteration 7, the last");
    assertEquals(jobs.states.keySet(), barrier.states.keySet());
    barrier.states.forEach((t, params) -> assertArrayEquals(jobs.states.get(t), params, "state after " + t));
  }

  @Test
  void aFailedBarrierTaskRerunsItsSegmentAndChangesNothing() {
    TrainingPlan plan = SinusoidPlans.plan("maml", SinusoidTaskFamily.mamlProtocol(10, 10), ITERATIONS, META_BATCH, 2, 1);
    FailingFirstStageAttempt.failures.clear();
    TrainingPlan failing = SinusoidPlans.plan("maml", new FailingFirstStageAttempt(), ITERATIONS, META_BATCH, 2, 1)
        .toBuilder().mode(ExecutionMode.BARRIER).build();
    double[] faultFree;
    Recorded rerun;
    // local[2]: one attempt per task (local[N, F] sets F), yet Spark reruns the whole barrier stage
    try (JavaSparkContext sc = LocalSpark.start("local[2]")) {
      faultFree = run(sc, plan).end;
      rerun = run(sc, failing);
    }
    assertEquals(1, FailingFirstStageAttempt.failures.size(), "one injected failure: " + FailingFirstStageAttempt.failures);
    assertArrayEquals(faultFree, rerun.end);
    assertEquals(ITERATIONS, rerun.reports().size(), "every iteration reported once, the rerun segment's too");
  }

  @Test
  void divergenceStopsBothModesAtTheSameIterationWithTheSameReports() {
    TrainingPlan plan = SinusoidPlans.plan("fomaml", new NanFrom(3), ITERATIONS, META_BATCH, 2, 1);
    Recorded jobs = new Recorded();
    Recorded barrier = new Recorded();
    DivergedException inJobs;
    DivergedException inBarrier;
    try (JavaSparkContext sc = LocalSpark.start("local[2]")) {
      inJobs = assertThrows(DivergedException.class, () -> run(sc, plan, jobs));
      inBarrier = assertThrows(DivergedException.class,
          () -> run(sc, plan.toBuilder().mode(ExecutionMode.BARRIER).build(), barrier));
    }
    assertEquals(inJobs.getMessage(), inBarrier.getMessage());
    assertTrue(inBarrier.getMessage().contains("3 updates in a row skipped as blown up, the last at iteration 5"),
        inBarrier.getMessage());
    assertEquals(jobs.reports(), barrier.reports());
    assertEquals(6, barrier.reports().size());
    // the diverging iteration's state is handed over in both: the last good parameters
    assertArrayEquals(jobs.states.get(5L), barrier.states.get(5L));
  }

  @Test
  void moreBarrierPartitionsThanSlotsIsRefusedBeforeAnyWork() {
    TrainingPlan plan = SinusoidPlans.plan("fomaml", SinusoidTaskFamily.mamlProtocol(10, 10), 3, META_BATCH, 3, 1)
        .toBuilder().mode(ExecutionMode.BARRIER).build();
    Recorded seen = new Recorded();
    NotEnoughSlotsException e;
    try (JavaSparkContext sc = LocalSpark.start("local[2]")) {
      e = assertThrows(NotEnoughSlotsException.class, () -> run(sc, plan, seen));
    }
    assertTrue(e.getMessage().contains("all 3 partitions (spark.partitions) at once")
        && e.getMessage().contains("has 2 task slots"), e.getMessage());
    assertTrue(seen.reports.isEmpty());
  }

  private static Recorded run(JavaSparkContext sc, TrainingPlan plan) {
    Recorded recorded = new Recorded();
    run(sc, plan, recorded);
    return recorded;
  }

  private static void run(JavaSparkContext sc, TrainingPlan plan, Recorded recorded) {
    recorded.end = new SparkMetaTrainer(sc, plan).train(SinusoidPlans.start(plan), recorded).params();
  }

  /** What a listener saw: every report (timings aside) and the states it was handed. */
  static final class Recorded implements IterationListener {
    final List<IterationReport> reports = new ArrayList<>();
    final Map<Long, double[]> states = new TreeMap<>();
    double[] end;

    @Override
    public void onIteration(IterationReport report, TrainingState state) {
      reports.add(report);
      if (state != null) {
        assertEquals(report.iteration() + 1, state.nextIteration());
        states.put(report.iteration(), state.params());
      } else {
        assertNull(state);
      }
    }

    @Override
    public boolean needsState(long iteration) {
      return iteration == STATE_WANTED;
    }

    /** The reports with the timings zeroed: they differ between runs, nothing else may. */
    List<IterationReport> reports() {
      return reports.stream().map(r -> new IterationReport(r.iteration(), r.tasks(), r.logged(), r.queryLossBefore(),
          r.queryLossAfter(), r.metaGradientNorm(), 0, 0, r.skipReason(), r.lineSearch())).toList();
    }
  }

  /** Fails partition 1's task in the first attempt of the barrier stage that runs iteration 6. */
  static final class FailingFirstStageAttempt implements SupervisedTaskFamily {
    static final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final SinusoidTaskFamily delegate = SinusoidTaskFamily.mamlProtocol(10, 10);

    @Override
    public TaskData sample(TaskDescriptor d, DataType dataType) {
      TaskContext ctx = TaskContext.get();
      if (ctx instanceof BarrierTaskContext && d.iteration() == 7 && ctx.partitionId() == 1
          && ctx.stageAttemptNumber() == 0) {
        failures.add(d.toString());
        throw new IllegalStateException("injected failure in " + d);
      }
      return delegate.sample(d, dataType);
    }

    @Override
    public String describe() {
      return "failing-first-stage-attempt";
    }
  }

  /** Sinusoid tasks whose targets are NaN from iteration {@code from} on: every update from there is skipped. */
  record NanFrom(long from) implements SupervisedTaskFamily {
    @Override
    public TaskData sample(TaskDescriptor d, DataType dataType) {
      TaskData data = SinusoidTaskFamily.mamlProtocol(10, 10).sample(d, dataType);
      if (d.iteration() < from) {
        return data;
      }
      Examples query = new Examples(data.query().features(), data.query().labels().dup().assign(Double.NaN));
      return new TaskData(d, data.support(), query);
    }

    @Override
    public String describe() {
      return "nan-from-" + from;
    }
  }
}
