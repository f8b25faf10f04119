package io.metaspark.core.algo;

import io.metaspark.core.model.Learner;
import io.metaspark.core.task.Examples;
import io.metaspark.core.task.Task;
import java.util.Arrays;

/**
 * First-order MAML: the query gradient at the adapted parameters, dropping the inner steps' Jacobian.
 * A rule's learned values (Meta-SGD's rates) get their first-order gradient too: the backward pass
 * through the rule with the Hessian taken as zero, which for per-parameter rates is
 * -sum_j g_j ⊙ g_query, the first-order Meta-SGD of the paper's appendix.
 */
public record FirstOrderMaml(Adaptation adaptation) implements MetaAlgorithm {
  /** The Hessian first-order methods assume: zero. */
  private static final Curvature NO_CURVATURE = (direction, out) -> Arrays.fill(out, 0);

  @Override
  public TaskOutcome compute(Learner learner, double[] meta, Task task, boolean measure) {
    double[] theta = adaptation.networkPart(meta);
    double before = measure ? learner.loss(theta, task.query(theta, 0)) : Double.NaN;
    Examples support = task.support(theta, 0);
    if (adaptation.rule().learnedValues() > 0) {
      Trajectory path = adaptation.trajectory(learner, meta, support);
      double[] queryGradient = new double[theta.length];
      double after = learner.lossAndGradient(path.adapted(), task.query(path.adapted(), 0), queryGradient);
      double[] metaGradient = adaptation.backward(path, queryGradient, j -> NO_CURVATURE);
      return new TaskOutcome(metaGradient, before, measure ? after : Double.NaN);
    }
    double[] adapted = adaptation.adapt(learner, theta, support);
    double[] gradient = new double[theta.length];
    double after = learner.lossAndGradient(adapted, task.query(adapted, 0), gradient);
    return new TaskOutcome(gradient, before, measure ? after : Double.NaN);
  }

  @Override
  public long gradientExamples(int supportSize, int querySize) {
    return (long) adaptation.steps() * supportSize + querySize;
  }

  /** None: the Hessian is taken as zero. */
  @Override
  public boolean usesHessianProducts() {
    return false;
  }

  @Override
  public String name() {
    return "fomaml";
  }
}
