package io.metaspark.core.model.conv;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One layer of a {@link ConvLearner}'s network: forward on a batch, then backward through the
 * same batch. Activations are NCHW, flattened in C order, as DL4J lays them out.
 *
 * <p>For exact Hessian-vector products each stage also has its R-operator (Pearlmutter 1994): after
 * {@link #forward}, {@link #forwardTangent} carries the activations' derivatives along a parameter
 * direction v, and {@link #backwardWithTangent} runs the backward pass together with its own
 * derivative along v.
 */
interface Stage {
  /** Whether the first stage reads the images as they are (native), rather than as a Java array. */
  default boolean takesNativeInput() {
    return false;
  }

  /** Prepares for a batch of {@code n} inputs of shape {@code in} (c, h, w); returns the output shape. */
  int[] prepare(int n, int[] in);

  /**
   * The outputs for {@code in}, or, for a stage that can take it, for {@code nativeIn} (the
   * features as given, then {@code in} is null). {@code params} is the flat parameter vector, as
   * the network computes with it. The caller hands {@code in} over: a stage may overwrite it and
   * return it as its output, and the next stage may do the same.
   */
  double[] forward(double[] in, INDArray nativeIn, double[] params);

  /**
   * Adds this stage's parameter gradients into {@code gradient} (or its native gradient views) and
   * returns the gradient with respect to its input, or null when {@code inputGradient} is false.
   */
  double[] backward(double[] outGradient, boolean inputGradient, double[] params, double[] gradient);

  /**
   * After {@link #forward} on the same batch: the output's derivative along v, from the input's
   * ({@code tangentIn}; null when the input does not depend on the parameters, as the images). May
   * overwrite {@code tangentIn} and return it.
   */
  double[] forwardTangent(double[] tangentIn, double[] params, double[] v);

  /**
   * After {@link #forwardTangent}: from the gradient with respect to the output and its derivative
   * along v, adds this stage's entries of H v into {@code hv} (or its native views) and returns the
   * input's, or null when {@code inputGradient} is false. May overwrite {@code out}'s arrays.
   */
  Deltas backwardWithTangent(Deltas out, boolean inputGradient, double[] params, double[] v, double[] hv);
}
