package io.metaspark.core.algo;

import io.metaspark.core.model.Learner;
import io.metaspark.core.task.Task;

/**
 * Reptile (Nichol, Achiam and Schulman 2018): adapt on the support set and report theta - theta'.
 * With SGD as the outer optimizer at step size epsilon, the update is
 * theta + epsilon * mean(theta' - theta), Reptile's defining equation.
 */
public record Reptile(InnerLoop innerLoop) implements MetaAlgorithm {
  @Override
  public TaskOutcome compute(Learner learner, double[] theta, Task task, boolean measure) {
    double before = measure ? learner.loss(theta, task.query(theta, 0)) : Double.NaN;
    double[] adapted = innerLoop.adapt(learner, theta, task.support(theta, 0));
    double after = measure ? learner.loss(adapted, task.query(adapted, 0)) : Double.NaN;
    double[] delta = new double[theta.length];
    for (int i = 0; i < delta.length; i++) {
      delta[i] = theta[i] - adapted[i];
    }
    return new TaskOutcome(delta, before, after);
  }

  @Override
  public long gradientExamples(int supportSize, int querySize) {
    return (long) innerLoop.steps() * supportSize;
  }

  @Override
  public String name() {
    return "reptile";
  }
}
