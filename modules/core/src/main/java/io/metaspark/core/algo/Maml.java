package io.metaspark.core.algo;

import io.metaspark.core.model.Learner;
import io.metaspark.core.task.Examples;
import io.metaspark.core.task.Task;

/**
 * Second-order MAML (Finn, Abbeel and Levine 2017): the exact gradient of L_query(U_k(theta)),
 * U_k being k SGD steps on the support set.
 *
 * <p>With theta_{j+1} = theta_j - alpha g_s(theta_j), the chain rule gives
 * grad = (I - alpha H_0) ... (I - alpha H_{k-1}) g_q(theta_k), H_j the support-loss Hessian at
 * theta_j. It is evaluated backwards as k Hessian-vector products, so memory is the k + 1
 * parameter vectors of the trajectory, never the inner steps' activations. The products are exact
 * where the learner has an exact one ({@link HessianVectorProduct}).
 */
public record Maml(InnerLoop innerLoop, HessianVectorProduct hvp) implements MetaAlgorithm {
  @Override
  public TaskOutcome compute(Learner learner, double[] theta, Task task, boolean measure) {
    double before = measure ? learner.loss(theta, task.query(theta, 0)) : Double.NaN;
    Examples support = task.support(theta, 0);
    double[][] path = innerLoop.trajectory(learner, theta, support);
    double[] adapted = path[path.length - 1];
    double[] v = new double[theta.length];
    double after = learner.lossAndGradient(adapted, task.query(adapted, 0), v);
    double[] hv = new double[theta.length];
    for (int j = path.length - 2; j >= 0; j--) {
      hvp.apply(learner, path[j], support, v, hv);
      Vectors.axpy(-innerLoop.learningRate(), hv, v);
    }
    return new TaskOutcome(v, before, measure ? after : Double.NaN);
  }

  /**
   * Each inner step, then the query gradient, then two support passes per Hessian-vector product:
   * two gradients for a central difference, a gradient and its R-operator for the exact product.
   */
  @Override
  public long gradientExamples(int supportSize, int querySize) {
    return 3L * innerLoop.steps() * supportSize + querySize;
  }

  @Override
  public String name() {
    return "maml";
  }
}
