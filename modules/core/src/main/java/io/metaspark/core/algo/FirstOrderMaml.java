package io.metaspark.core.algo;

import io.metaspark.core.model.Learner;
import io.metaspark.core.task.Task;

/** First-order MAML: the query gradient at the adapted parameters, dropping the inner steps' Jacobian. */
public record FirstOrderMaml(Adaptation adaptation) implements MetaAlgorithm {
  public FirstOrderMaml {
    MetaAlgorithm.requireNothingLearned("first-order MAML", adaptation);
  }

  @Override
  public TaskOutcome compute(Learner learner, double[] meta, Task task, boolean measure) {
    // nothing learned besides the network (see the constructor): the meta-parameters are the network's
    double[] theta = adaptation.networkPart(meta);
    double before = measure ? learner.loss(theta, task.query(theta, 0)) : Double.NaN;
    double[] adapted = adaptation.adapt(learner, theta, task.support(theta, 0));
    double[] gradient = new double[theta.length];
    double after = learner.lossAndGradient(adapted, task.query(adapted, 0), gradient);
    return new TaskOutcome(gradient, before, measure ? after : Double.NaN);
  }

  @Override
  public long gradientExamples(int supportSize, int querySize) {
    return (long) adaptation.steps() * supportSize + querySize;
  }

  @Override
  public String name() {
    return "fomaml";
  }
}
