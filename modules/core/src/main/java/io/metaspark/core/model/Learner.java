package io.metaspark.core.model;

import io.metaspark.core.task.Examples;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A differentiable model evaluated at a parameter vector the caller owns: the functional view the
 * meta-learning algorithms need (learn2learn's {@code clone}/{@code adapt}/{@code loss} become plain
 * vectors in, numbers out). Losses and gradients are means over the examples.
 *
 * <p>Three kinds of derivative, so that an algorithm needs nothing but this interface: the gradient
 * of the model's own loss; the backward pass from any gradient of the outputs
 * ({@link #vectorJacobianProduct}), for losses the algorithm defines on the outputs itself (a
 * metric-based learner's, a policy's); and products with the loss's Hessian
 * ({@link #hessianVectorProduct}), for second-order MAML.
 *
 * <p>Entries of the parameter vector that are not weights (batch norm's running statistics, which
 * DL4J keeps in the same vector) get a derivative of exactly zero, so every algorithm leaves them as
 * they were.
 *
 * <p>Not thread-safe: keep one per thread and reuse it.
 */
public interface Learner {
  int numParams();

  /** The data type examples must be created in. */
  DataType dataType();

  /**
   * The unit roundoff of the arithmetic the learner computes in, which sets how small a finite
   * difference can usefully be. By default that of {@link #dataType()}.
   */
  default double unitRoundoff() {
    return switch (dataType()) {
      case DOUBLE -> Math.ulp(1.0) / 2;
      case FLOAT -> Math.ulp(1.0f) / 2;
      default -> Math.pow(2, -11);
    };
  }

  /** Mean loss of the model with {@code params} on {@code examples}. */
  double loss(double[] params, Examples examples);

  /**
   * The model's outputs [n, outputs] for {@code features} at {@code params}, computed as the loss is:
   * in inference mode, except that batch normalization uses the statistics of {@code features}
   * itself (transductive), so such a model's outputs depend on which examples come together.
   */
  INDArray outputs(double[] params, INDArray features);

  /** Mean loss, and its gradient with respect to the parameters written into {@code gradientOut}. */
  double lossAndGradient(double[] params, Examples examples, double[] gradientOut);

  /**
   * The vector-Jacobian product of the outputs: the gradient of sum(G * {@link #outputs}(params,
   * features)) with respect to the parameters, written into {@code gradientOut}, G being
   * {@code outputGradient} [n, outputs]. A sum, not a mean: G carries whatever weighting the caller's
   * loss has. The function differentiated is {@link #outputs}' own, batch statistics included.
   */
  void vectorJacobianProduct(double[] params, INDArray features, INDArray outputGradient, double[] gradientOut);

  /**
   * Writes H(params) v into {@code out}, H the Hessian of {@link #loss} on {@code examples} with
   * respect to the parameters: exactly (Pearlmutter's R-operator, the directional derivative of the
   * backward pass, which is what autograd's double backward computes) where {@link #exactHessian},
   * else by a {@link CentralDifference} of gradients.
   */
  void hessianVectorProduct(double[] params, Examples examples, double[] v, double[] out);

  /**
   * Whether {@link #hessianVectorProduct} is exact. It matters on networks with kinks (ReLU, max
   * pooling): a central difference of gradients across a kink measures the gradient's jump, not the
   * Hessian, and on real training trajectories some task of a meta-batch crosses one in most
   * iterations; the exact product takes each piecewise-linear unit's derivative inside its own piece
   * (zero curvature), as autograd does.
   */
  boolean exactHessian();

  /**
   * {@link #lossAndGradient}, keeping what a {@link #hessianVectorProduct} at the same parameters on
   * the same examples needs (autograd's {@code create_graph}), so that product can skip the forward
   * pass and the plain backward pass. Only the latest such gradient is kept; learners with nothing
   * to keep compute a plain gradient.
   */
  default double lossAndGradientForProducts(double[] params, Examples examples, double[] gradientOut) {
    return lossAndGradient(params, examples, gradientOut);
  }
}
