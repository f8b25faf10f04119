package io.metaspark.core.algo;

import io.metaspark.core.model.Learner;
import io.metaspark.core.task.Task;

/** First-order MAML: the query gradient at the adapted parameters, dropping the inner steps' Jacobian. */
public record FirstOrderMaml(InnerLoop innerLoop) implements MetaAlgorithm {
  @Override
  public TaskOutcome compute(Learner learner, double[] theta, Task task, boolean measure) {
    double before = measure ? learner.loss(theta, task.query(theta, 0)) : Double.NaN;
    double[] adapted = innerLoop.adapt(learner, theta, task.support(theta, 0));
    double[] gradient = new double[theta.length];
    double after = learner.lossAndGradient(adapted, task.query(adapted, 0), gradient);
    return new TaskOutcome(gradient, before, measure ? after : Double.NaN);
  }

  @Override
  public long gradientExamples(int supportSize, int querySize) {
    return (long) innerLoop.steps() * supportSize + querySize;
  }

  @Override
  public String name() {
    return "fomaml";
  }
}
