package io.metaspark.spark;

import io.metaspark.core.optim.GradientTransformation;
import io.metaspark.core.task.TaskSampler;
import java.io.Serializable;

/**
 * How to meta-train: which tasks (sampler), how to compute each (runner), how to update
 * (optimizer), and how the work is laid out on Spark.
 *
 * @param iterations total meta-iterations of the run (a resumed run counts from its start)
 * @param metaBatch tasks per meta-iteration
 * @param partitions Spark partitions per meta-iteration; tasks are split evenly over them
 * @param treeDepth depth of Spark's treeAggregate; 1 merges every partition on the driver
 * @param measureEvery measure query losses on every this-many iterations (and on the last)
 * @param maxSkippedUpdates consecutive skipped updates (blown up, see {@link OuterStep}) after which the run stops
 * @param mode one Spark job per iteration, or one barrier stage per segment of iterations
 * @param maxParameterMagnitude a parameter at or above this magnitude means an update blew the state up
 */
public record TrainingPlan(
    TaskRunner runner,
    TaskSampler sampler,
    GradientTransformation optimizer,
    long iterations,
    int metaBatch,
    int partitions,
    int treeDepth,
    int measureEvery,
    int maxSkippedUpdates,
    ExecutionMode mode,
    double maxParameterMagnitude) implements Serializable {
  /** No trained network needs a parameter this large; far below where float arithmetic overflows in a layer. */
  public static final double DEFAULT_MAX_PARAMETER_MAGNITUDE = 1e6;

  /** A plan in jobs mode, one Spark job per iteration, with the default parameter bound. */
  public TrainingPlan(TaskRunner runner, TaskSampler sampler, GradientTransformation optimizer, long iterations,
      int metaBatch, int partitions, int treeDepth, int measureEvery, int maxSkippedUpdates) {
    this(runner, sampler, optimizer, iterations, metaBatch, partitions, treeDepth, measureEvery, maxSkippedUpdates,
        ExecutionMode.JOBS, DEFAULT_MAX_PARAMETER_MAGNITUDE);
  }

  public TrainingPlan {
    if (iterations < 0) {
      throw new IllegalArgumentException("iterations must be >= 0, got " + iterations);
    }
    if (metaBatch < 1) {
      throw new IllegalArgumentException("meta-batch must be >= 1, got " + metaBatch);
    }
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
    }
    if (treeDepth < 1) {
      throw new IllegalArgumentException("tree depth must be >= 1, got " + treeDepth);
    }
    if (measureEvery < 1) {
      throw new IllegalArgumentException("measure-every must be >= 1, got " + measureEvery);
    }
    if (maxSkippedUpdates < 1) {
      throw new IllegalArgumentException("max skipped updates must be >= 1, got " + maxSkippedUpdates);
    }
    if (mode == null) {
      throw new IllegalArgumentException("mode must be set");
    }
    if (!(maxParameterMagnitude > 0)) {
      throw new IllegalArgumentException("the parameter magnitude bound must be positive, got " + maxParameterMagnitude);
    }
  }

  public TrainingPlan withMode(ExecutionMode newMode) {
    return new TrainingPlan(runner, sampler, optimizer, iterations, metaBatch, partitions, treeDepth, measureEvery,
        maxSkippedUpdates, newMode, maxParameterMagnitude);
  }

  /** The outer update behind the divergence guard, the same in both modes. */
  OuterStep outerStep() {
    return new OuterStep(optimizer, maxParameterMagnitude);
  }

  /** Partitions an iteration's tasks are spread over: never more than there are tasks. */
  int partitionsUsed() {
    return Math.min(partitions, metaBatch);
  }

  boolean measures(long iteration) {
    return iteration % measureEvery == 0 || iteration == iterations - 1;
  }
}
