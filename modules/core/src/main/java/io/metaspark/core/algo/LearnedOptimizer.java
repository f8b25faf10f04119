package io.metaspark.core.algo;

import io.metaspark.core.model.Learner;
import io.metaspark.core.task.Examples;
import io.metaspark.core.task.Task;
import java.util.Arrays;

/**
 * Learning to learn by gradient descent by gradient descent (Andrychowicz et al. 2016): the
 * adaptation's rule is a learned {@link UpdateNetwork} and the meta-parameters it learns are that
 * network's weights; the model's initialization stays where it started (its part of the
 * meta-gradient is zero), so the learned optimizer is judged, as the paper's, from the same start as
 * SGD and Adam.
 *
 * <p>The objective is the paper's: the losses along the trajectory, here the query loss after each of
 * the k inner steps, weighted 1/k each. Its meta-gradient is the paper's too: back through the
 * unrolled steps with the support gradients taken as constants of the meta-parameters (their second
 * derivatives dropped), so no Hessian product is needed.
 */
public record LearnedOptimizer(Adaptation adaptation) implements MetaAlgorithm {
  private static final Curvature DROPPED = (direction, out) -> Arrays.fill(out, 0);

  public LearnedOptimizer {
    if (!(adaptation.rule() instanceof UpdateNetwork)) {
      throw new IllegalArgumentException("the learned optimizer learns an update network, not a "
          + adaptation.rule().name() + " rule");
    }
    if (adaptation.steps() < 1) {
      throw new IllegalArgumentException("the learned optimizer learns from its steps: it needs >= 1 inner step, got "
          + adaptation.steps());
    }
  }

  @Override
  public TaskOutcome compute(Learner learner, double[] meta, Task task, boolean measure) {
    double[] theta = adaptation.networkPart(meta);
    Examples support = task.support(theta, 0);
    Examples query = task.query(theta, 0);
    double before = measure ? learner.loss(theta, query) : Double.NaN;
    Trajectory path = adaptation.trajectory(learner, meta, support);
    int steps = path.steps();
    double[][] lossGradients = new double[steps + 1][];
    double after = Double.NaN;
    for (int j = 1; j <= steps; j++) {
      double[] gradient = new double[theta.length];
      after = learner.lossAndGradient(path.theta(j), query, gradient);
      for (int i = 0; i < gradient.length; i++) {
        gradient[i] /= steps;
      }
      lossGradients[j] = gradient;
    }
    double[] metaGradient = adaptation.backward(path, j -> lossGradients[j], j -> DROPPED);
    Arrays.fill(metaGradient, 0, theta.length, 0);
    return new TaskOutcome(metaGradient, before, measure ? after : Double.NaN);
  }

  /** A support gradient and a query gradient per inner step. */
  @Override
  public long gradientExamples(int supportSize, int querySize) {
    return (long) adaptation.steps() * (supportSize + querySize);
  }

  @Override
  public String name() {
    return "learned-optimizer";
  }
}
