package io.metaspark.core.algo;

import io.metaspark.core.model.Learner;
import io.metaspark.core.task.Examples;
import io.metaspark.core.task.Task;

/**
 * Second-order MAML (Finn, Abbeel and Levine 2017): the exact gradient of L_query(U_k(meta)), U_k
 * being k steps of the adaptation's update rule on the support set.
 *
 * <p>For scalar SGD, theta_{j+1} = theta_j - alpha g_s(theta_j), the chain rule gives
 * grad = (I - alpha H_0) ... (I - alpha H_{k-1}) g_q(theta_k), H_j the support-loss Hessian at
 * theta_j. It is evaluated backwards, each factor by the rule's backward pass
 * ({@link Adaptation#backward}) with one Hessian-vector product, so memory is the trajectory's
 * vectors, never the inner steps' activations; a rule with learned rates adds their gradient on the
 * way. The products are exact where the learner's are ({@link HessianVectorProduct}).
 */
public record Maml(Adaptation adaptation, HessianVectorProduct hvp) implements MetaAlgorithm {
  @Override
  public TaskOutcome compute(Learner learner, double[] meta, Task task, boolean measure) {
    double[] theta = adaptation.networkPart(meta);
    Examples support = task.support(theta, 0);
    double before = measure ? learner.loss(theta, task.query(theta, 0)) : Double.NaN;
    Trajectory path = adaptation.trajectory(learner, meta, support);
    double[] adapted = path.adapted();
    double[] queryGradient = new double[theta.length];
    double after = learner.lossAndGradient(adapted, task.query(adapted, 0), queryGradient);
    double[] metaGradient = adaptation.backward(path, queryGradient,
        j -> (direction, out) -> hvp.apply(learner, path.theta(j), support, direction, out));
    return new TaskOutcome(metaGradient, before, measure ? after : Double.NaN);
  }

  /**
   * Each inner step, then the query gradient, then two support passes per Hessian-vector product:
   * two gradients for a central difference, a gradient and its R-operator for the exact product.
   */
  @Override
  public long gradientExamples(int supportSize, int querySize) {
    return 3L * adaptation.steps() * supportSize + querySize;
  }

  @Override
  public String name() {
    return "maml";
  }
}
