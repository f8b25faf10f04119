package com.example.metaspark;

import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.algo.MetaAlgorithm;
import io.metaspark.core.algo.TaskOutcome;
import io.metaspark.core.model.Learner;
import io.metaspark.core.task.Task;

/**
 * Multi-task pretraining, the baseline meta-learning is measured against. Training does not
 * adapt: each task contributes the gradient of its query loss at the shared parameters.
 * Evaluation still adapts, as {@code algorithm.inner-steps} and {@code inner-lr} say. It runs on
 * the executors: serializable, and a pure function of the parameters and the task.
 */
public record Pretraining(Adaptation adaptation) implements MetaAlgorithm {
  @Override
  public TaskOutcome compute(Learner learner, double[] meta, Task task, boolean measure) {
    double[] theta = adaptation.networkPart(meta);
    double[] gradient = new double[theta.length];
    double before = learner.lossAndGradient(theta, task.query(theta, 0), gradient);
    double after = Double.NaN;
    if (measure) {
      double[] adapted = adaptation.adapt(learner, meta, task.support(theta, 0));
      after = learner.loss(adapted, task.query(adapted, 0));
    }
    return new TaskOutcome(gradient, measure ? before : Double.NaN, after);
  }

  @Override
  public long gradientExamples(int supportSize, int querySize) {
    return querySize;
  }

  @Override
  public String name() {
    return "pretrain";
  }
}
