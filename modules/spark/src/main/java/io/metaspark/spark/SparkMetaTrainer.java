package io.metaspark.spark;

import io.metaspark.core.optim.Update;
import io.metaspark.core.sum.OutcomeSum;
import io.metaspark.core.task.TaskDescriptor;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's loop. Each meta-iteration is one Spark job: ship the parameters, spread the
 * meta-batch's task descriptors over partitions, compute and sum outcomes on the executors
 * (summed inside each partition first), then apply the outer update here.
 *
 * <p>The sum is exact and order-independent ({@link OutcomeSum}) and every task's data is a pure
 * function of its descriptor, so the parameters after N iterations are bit-identical whatever the
 * number of executors, partitions, or retried tasks.
 */
public final class SparkMetaTrainer {
  private static final Logger LOG = LoggerFactory.getLogger(SparkMetaTrainer.class);
  private final JavaSparkContext sc;
  private final TrainingPlan plan;

  public SparkMetaTrainer(JavaSparkContext sc, TrainingPlan plan) {
    this.sc = sc;
    this.plan = plan;
  }

  /** Runs from {@code start} to the plan's last iteration and returns the final state. */
  public TrainingState train(TrainingState start, IterationListener listener) {
    Broadcast<TaskRunner> runner = sc.broadcast(plan.runner());
    try {
      TrainingState state = start;
      int skippedInARow = 0;
      for (long t = start.nextIteration(); t < plan.iterations(); t++) {
        long began = System.nanoTime();
        boolean measure = plan.measures(t);
        OutcomeSum.MeanOutcome mean = metaBatch(runner, state.params(), t, measure);
        long jobDone = System.nanoTime();
        double gradientNorm = norm(mean.metaGradient());
        boolean lossesFinite = !measure
            || (Double.isFinite(mean.queryLossBefore()) && Double.isFinite(mean.queryLossAfter()));
        boolean finite = Double.isFinite(gradientNorm) && lossesFinite;
        if (finite) {
          skippedInARow = 0;
          Update update = plan.optimizer().update(mean.metaGradient(), state.optimizerState());
          double[] params = state.params().clone();
          update.applyTo(params);
          state = new TrainingState(t + 1, params, update.state());
        } else {
          skippedInARow++;
          LOG.warn("iteration {}: meta-gradient norm {}, query losses {} / {}: update skipped ({} in a row, the limit is {})",
              t, gradientNorm, mean.queryLossBefore(), mean.queryLossAfter(), skippedInARow, plan.maxSkippedUpdates());
          state = new TrainingState(t + 1, state.params(), state.optimizerState());
        }
        double millis = (System.nanoTime() - began) / 1e6;
        listener.onIteration(new IterationReport(t, mean.tasks(), measure, mean.queryLossBefore(), mean.queryLossAfter(),
            gradientNorm, millis, (jobDone - began) / 1e6, !finite), state);
        if (skippedInARow >= plan.maxSkippedUpdates()) {
          throw new DivergedException(t, skippedInARow);
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
  private OutcomeSum.MeanOutcome metaBatch(
      Broadcast<TaskRunner> runner, double[] params, long iteration, boolean measure) {
    List<TaskDescriptor> tasks = plan.sampler().metaBatch(iteration, plan.metaBatch());
    JavaRDD<TaskDescriptor> rdd = sc.parallelize(tasks, Math.min(plan.partitions(), tasks.size()));
    Function2<OutcomeSum, TaskDescriptor, OutcomeSum> addTask =
        (acc, task) -> acc.add(runner.value().outcome(task, params, measure));
    OutcomeSum sum = plan.treeDepth() == 1
        ? rdd.aggregate(OutcomeSum.empty(), addTask, OutcomeSum::merge)
        : rdd.treeAggregate(OutcomeSum.empty(), addTask, OutcomeSum::merge, plan.treeDepth());
    if (sum.tasks() != tasks.size()) {
      throw new IllegalStateException("iteration " + iteration + " summed " + sum.tasks() + " of "
          + tasks.size() + " tasks");
    }
    return sum.mean();
  }

  private static double norm(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v * v;
    }
    return Math.sqrt(s);
  }
}
