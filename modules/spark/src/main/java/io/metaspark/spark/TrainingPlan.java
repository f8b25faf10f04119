package io.metaspark.spark;

import io.metaspark.core.optim.OuterOptimizer;
import io.metaspark.core.task.TaskSampler;

/**
 * How to meta-train: which tasks (sampler), how to compute each (runner), how to update
 * (optimizer), and how the work is laid out on Spark.
 *
 * @param iterations total meta-iterations of the run (a resumed run counts from its start)
 * @param metaBatch tasks per meta-iteration
 * @param partitions Spark partitions per meta-iteration; tasks are split evenly over them
 * @param treeDepth depth of Spark's treeAggregate; 1 merges every partition on the driver
 * @param measureEvery measure query losses on every this-many iterations (and on the last)
 * @param maxSkippedUpdates consecutive non-finite updates (skipped) after which the run stops
 */
public record TrainingPlan(
    TaskRunner runner,
    TaskSampler sampler,
    OuterOptimizer optimizer,
    long iterations,
    int metaBatch,
    int partitions,
    int treeDepth,
    int measureEvery,
    int maxSkippedUpdates) {

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
  }

  boolean measures(long iteration) {
    return iteration % measureEvery == 0 || iteration == iterations - 1;
  }
}
