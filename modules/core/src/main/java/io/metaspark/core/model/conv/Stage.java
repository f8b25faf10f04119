package io.metaspark.core.model.conv;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One layer of a {@link ConvLearner}'s network: forward on a batch, then backward through the
 * same batch. Activations are NCHW, flattened in C order, as DL4J lays them out.
 */
interface Stage {
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
}
