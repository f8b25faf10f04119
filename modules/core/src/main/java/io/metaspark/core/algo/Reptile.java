package io.metaspark.core.algo;

import io.metaspark.core.model.Learner;
import io.metaspark.core.task.Task;

/**
 * Reptile (Nichol, Achiam and Schulman 2018): adapt on the support set and report theta - theta'.
 * With SGD as the outer optimizer at step size epsilon, the update is
 * theta + epsilon * mean(theta' - theta), Reptile's defining equation.
 */
public record Reptile(Adaptation adaptation) implements MetaAlgorithm {
  public Reptile {
    MetaAlgorithm.requireNothingLearned("Reptile", adaptation);
  }

  @Override
  public TaskOutcome compute(Learner learner, double[] meta, Task task, boolean measure) {
    // nothing learned besides the network (see the constructor): the meta-parameters are the network's
    double[] theta = adaptation.networkPart(meta);
    double before = measure ? learner.loss(theta, task.query(theta, 0)) : Double.NaN;
    double[] adapted = adaptation.adapt(learner, theta, task.support(theta, 0));
    double after = measure ? learner.loss(adapted, task.query(adapted, 0)) : Double.NaN;
    return new TaskOutcome(movement(theta, adapted), before, after);
  }

  /** theta - theta': a task's contribution to Reptile's update, however theta' was reached. */
  public static double[] movement(double[] theta, double[] adapted) {
    double[] delta = new double[theta.length];
    for (int i = 0; i < delta.length; i++) {
      delta[i] = theta[i] - adapted[i];
    }
    return delta;
  }

  @Override
  public long gradientExamples(int supportSize, int querySize) {
    return (long) adaptation.steps() * supportSize;
  }

  /** None: its update is a difference of parameters. */
  @Override
  public boolean usesHessianProducts() {
    return false;
  }

  @Override
  public String name() {
    return "reptile";
  }
}
