package io.metaspark.spark;

import io.metaspark.core.sum.OutcomeSum;
import io.metaspark.core.task.TaskDescriptor;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.RDD;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.JavaConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/**
 * The driver's loop, in one of two {@link ExecutionMode}s.
 *
 * <p>Jobs: each meta-iteration is one Spark job: ship the parameters, spread the meta-batch's task
 * descriptors over partitions, compute and sum outcomes on the executors (summed inside each
 * partition first), then apply the outer update here.
 *
 * <p>Barrier: one barrier stage per segment, a run of iterations ending where the driver must
 * act (a logged iteration, one the listener needs the state of, the last); the stage's tasks run
 * the segment between them ({@link BarrierSegment}) and the driver then tells the listener of each
 * iteration in turn.
 *
 * <p>In both, the sum is exact and order-independent ({@link OutcomeSum}) and every task's data is
 * a pure function of its descriptor, so the parameters after N iterations are bit-identical
 * whatever the mode, the number of executors, partitions, or retried tasks and stages.
 */
public final class SparkMetaTrainer {
  private static final Logger LOG = LoggerFactory.getLogger(SparkMetaTrainer.class);
  private final JavaSparkContext sc;
  private final TrainingPlan plan;
  private final ModeChoice mode;

  /** A trainer on {@code sc}; with {@code spark.mode = auto} it chooses its mode here, from what {@code sc} has. */
  public SparkMetaTrainer(JavaSparkContext sc, TrainingPlan plan) {
    this.sc = sc;
    this.plan = plan;
    this.mode = ModeChoice.of(plan.mode(), sc.sc(), plan.partitions());
    if (plan.optimizer().needsCurvature() && mode.mode() == ExecutionMode.JOBS) {
      throw new IllegalArgumentException("the outer step " + plan.optimizer().describe() + " runs in barrier mode only,"
          + " where each iteration's ~10 Fisher-vector products and line-search trials are rounds of the barrier"
          + " tasks' exchange; jobs mode would pay a Spark job and recompute every task's rollouts for each. The mode"
          + " here is " + mode + ": set spark.mode = barrier, with spark.partitions at most the task slots");
    }
  }

  /** The mode the run uses, and why. */
  public ModeChoice mode() {
    return mode;
  }

  /** Runs from {@code start} to the plan's last iteration and returns the final state. */
  public TrainingState train(TrainingState start, IterationListener listener) {
    return mode.mode() == ExecutionMode.BARRIER ? trainInSegments(start, listener) : trainInJobs(start, listener);
  }

  /** Jobs mode never takes a trust-region step: refused in the constructor. */
  private TrainingState trainInJobs(TrainingState start, IterationListener listener) {
    Broadcast<TaskRunner> runner = sc.broadcast(plan.runner());
    IterationBody body = new IterationBody(plan);
    try {
      TrainingState state = start;
      Guard guard = new Guard(listener);
      while (state.nextIteration() < plan.iterations()) {
        IterationBody.Done done = body.run(state,
            (t, tasks, params, measure) -> new IterationBody.Summed(sumInAJob(runner, tasks, params, measure), null));
        state = done.state();
        boolean stop = listener.stopRequested();
        IterationReport report = done.report();
        guard.tell(report, stop || needsDriver(listener, report.iteration()) || guard.wouldStop(report) ? state : null);
        if (stop) {
          return state;
        }
      }
      return state;
    } finally {
      runner.destroy();
    }
  }

  /**
   * One Spark job. The parameters travel inside the task closure, which Spark broadcasts once per
   * stage anyway: a broadcast of their own cost another ~0.6 ms per iteration here. With depth 1
   * the partitions' sums are merged on the driver as they arrive (aggregate, ~2 ms cheaper per
   * iteration than treeAggregate at 2 partitions, measured side by side); deeper trees merge on
   * executors first, for hundreds of partitions. The sum is exact, so the order never matters.
   */
  private OutcomeSum sumInAJob(Broadcast<TaskRunner> runner, List<TaskDescriptor> tasks, double[] params,
      boolean measure) {
    JavaRDD<TaskDescriptor> rdd = sc.parallelize(tasks, plan.partitionsUsed());
    Function2<OutcomeSum, TaskDescriptor, OutcomeSum> addTask =
        (acc, task) -> acc.add(runner.value().outcome(task, params, measure));
    return plan.treeDepth() == 1
        ? rdd.aggregate(OutcomeSum.empty(), addTask, OutcomeSum::merge)
        : rdd.treeAggregate(OutcomeSum.empty(), addTask, OutcomeSum::merge, plan.treeDepth());
  }

  private TrainingState trainInSegments(TrainingState start, IterationListener listener) {
    requireSlots(plan.partitionsUsed());
    try (PartialSumExchange exchange = new PartialSumExchange(plan.partitionsUsed(),
        sc.getConf().get("spark.driver.bindAddress", sc.getConf().get("spark.driver.host", "localhost")),
        sc.getConf().get("spark.driver.host", "localhost"), start.params().length,
        PartialSumExchange.Timeouts.DEFAULT, listener::stopRequested)) {
      return trainInSegments(start, listener, exchange.address());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the partial-sum exchange on the driver", e);
    }
  }

  private TrainingState trainInSegments(TrainingState start, IterationListener listener,
      PartialSumExchange.Address exchange) {
    TrainingState state = start;
    Guard guard = new Guard(listener);
    while (state.nextIteration() < plan.iterations()) {
      long until = state.nextIteration();
      while (!needsDriver(listener, until)) {
        until++;
      }
      until++;
      long began = System.nanoTime();
      BarrierSegment.Result result = runSegment(new BarrierSegment(plan, state, until, guard.skippedInARow, exchange));
      double segmentMillis = (System.nanoTime() - began) / 1e6;
      List<IterationReport> reports = result.reports();
      // the stage's own cost (launch, result) goes to the segment's first iteration: times still add up
      double inTasks = reports.stream().mapToDouble(IterationReport::millis).sum();
      for (int i = 0; i < reports.size(); i++) {
        IterationReport report = i == 0 ? reports.get(0).plusMillis(Math.max(0, segmentMillis - inTasks)) : reports.get(i);
        guard.tell(report, i == reports.size() - 1 ? result.end() : null);
      }
      state = result.end();
      if (listener.stopRequested()) {
        break; // the segment stopped early, or ended as the stop came: either way its state was told last
      }
    }
    return state;
  }

  /**
   * The segment's barrier stage is a shuffle map stage (its one result crosses a shuffle into a
   * single partition): Spark reruns a failed barrier shuffle map stage whole, up to
   * spark.stage.maxConsecutiveAttempts times, but aborts a failed barrier result stage at once.
   * The rerun starts again from the segment's start state, so it computes the same iterations.
   */
  private BarrierSegment.Result runSegment(BarrierSegment segment) {
    int partitions = plan.partitionsUsed();
    ClassTag<BarrierSegment.Result> tag = ClassTag$.MODULE$.apply(BarrierSegment.Result.class);
    RDD<BarrierSegment.Result> stage = sc.parallelize(IntStream.range(0, partitions).boxed().toList(), partitions)
        .rdd().barrier().mapPartitions(new RunSegment(segment), false, tag);
    List<BarrierSegment.Result> results = new JavaRDD<>(stage, tag).coalesce(1, true).collect();
    if (results.size() != 1) {
      throw new IllegalStateException("a barrier segment returned " + results.size() + " results, not 1");
    }
    return results.get(0);
  }

  /** Spark's Scala-side barrier API takes a Scala function; this one runs the segment in each task. */
  private static final class RunSegment
      extends AbstractFunction1<scala.collection.Iterator<Integer>, scala.collection.Iterator<BarrierSegment.Result>>
      implements Serializable {
    private final BarrierSegment segment;

    RunSegment(BarrierSegment segment) {
      this.segment = segment;
    }

    @Override
    public scala.collection.Iterator<BarrierSegment.Result> apply(scala.collection.Iterator<Integer> ignored) {
      return JavaConverters.asScalaIterator(segment.run(BarrierTaskContext.get()));
    }
  }

  /**
   * A barrier stage waits for all its tasks to be scheduled at once, and Spark retries its own
   * check of that for ten minutes before failing: check first, with the number Spark checks.
   */
  private void requireSlots(int partitions) {
    int slots = TaskSlots.awaiting(sc.sc(), partitions);
    if (partitions > slots) {
      throw new NotEnoughSlotsException(partitions, slots, sc.master());
    }
  }

  /** Iterations after which the driver must hold the state: they end barrier segments. */
  private boolean needsDriver(IterationListener listener, long iteration) {
    return plan.measures(iteration) || iteration == plan.iterations() - 1 || listener.needsState(iteration);
  }

  /**
   * The driver's side of the divergence guard, the same in both modes: warns of each skipped
   * update, tells the listener, and stops the run after too many skipped in a row.
   */
  private final class Guard {
    private final IterationListener listener;
    private int skippedInARow;

    Guard(IterationListener listener) {
      this.listener = listener;
    }

    boolean wouldStop(IterationReport report) {
      return report.skipped() && skippedInARow + 1 >= plan.maxSkippedUpdates();
    }

    /** @param state the state after the iteration, or null where the driver does not hold it */
    void tell(IterationReport report, TrainingState state) {
      if (report.skipped()) {
        skippedInARow++;
        LOG.warn("iteration {}: update skipped, {} ({} in a row, the limit is {})", report.iteration(),
            report.skipReason(), skippedInARow, plan.maxSkippedUpdates());
      } else {
        skippedInARow = 0;
      }
      listener.onIteration(report, state);
      if (skippedInARow >= plan.maxSkippedUpdates()) {
        throw new DivergedException(report.iteration(), skippedInARow, report.skipReason());
      }
    }
  }
}
