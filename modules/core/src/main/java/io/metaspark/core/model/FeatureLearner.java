package io.metaspark.core.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A learner that also gives what its last layer reads, the features, and the backward pass from a
 * gradient of them: what ANIL needs to run the body once per task on the learner's own fast path.
 */
public interface FeatureLearner extends Learner {
  /** The last layer's inputs [n, d], row-major, at the network's {@code params} (as the loss computes them). */
  double[] lastLayerInputs(double[] params, INDArray features);

  /**
   * The gradient of sum(G * {@link #lastLayerInputs}) with respect to all parameters (the last
   * layer's entries zero) into {@code gradientOut}, G being {@code inputGradient} [n, d] row-major.
   */
  void lastLayerInputsVectorJacobianProduct(double[] params, INDArray features, double[] inputGradient,
      double[] gradientOut);
}
