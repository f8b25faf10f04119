package io.metaspark.app.bench;

import io.metaspark.app.config.Job;
import io.metaspark.app.config.TaskFamilyType;
import io.metaspark.core.model.ForwardFlops;

/**
 * FLOPs of one meta-iteration's gradient work: tasks x the examples each task's algorithm takes a
 * gradient on ({@link io.metaspark.core.algo.MetaAlgorithm#gradientExamples}) x a gradient's FLOPs
 * per example ({@link ForwardFlops}, backward = 2 forwards). Without measuring losses: the bench
 * measures none.
 */
final class GradientFlops {
  private GradientFlops() {}

  static long perIteration(Job job) {
    TaskFamilyType.TaskShape task = job.taskShape();
    long examples = job.algorithm().gradientExamples(task.supportExamples(), task.queryExamples());
    return job.settings().train().metaBatch() * examples * ForwardFlops.GRADIENT_FACTOR
        * ForwardFlops.perExample(job.model().configuration(), task.input());
  }
}
