package io.metaspark.core.model;

import io.metaspark.core.task.Examples;

/**
 * A {@link Learner} that multiplies by the Hessian of its mean loss exactly: Pearlmutter's
 * R-operator, the directional derivative of the backward pass along {@code v} (forward-over-reverse
 * differentiation), which is what autograd's double backward computes and what the MAML papers'
 * second-order term is.
 *
 * <p>Why it matters: a central difference of gradients measures the jump of the gradient when its
 * step crosses a ReLU or max-pooling kink, not the Hessian, and on real training trajectories some
 * task of a meta-batch crosses one in most iterations. The exact product takes the derivative of
 * each piecewise-linear unit inside its own piece (zero curvature), as autograd does.
 */
public interface ExactHessian extends Learner {
  /**
   * Writes H(params) v into {@code out}, H the Hessian of {@link Learner#loss} on {@code examples}
   * with respect to the parameters. Entries that are not weights (batch norm's running statistics)
   * get exactly zero, as in the gradient.
   */
  void hessianVectorProduct(double[] params, Examples examples, double[] v, double[] out);

  /**
   * {@link #lossAndGradient}, keeping what a {@link #hessianVectorProduct} at the same parameters on
   * the same examples needs (autograd's {@code create_graph}), so that product can skip the forward
   * pass and the plain backward pass. Only the latest such gradient is kept.
   */
  default double lossAndGradientForProducts(double[] params, Examples examples, double[] gradientOut) {
    return lossAndGradient(params, examples, gradientOut);
  }
}
