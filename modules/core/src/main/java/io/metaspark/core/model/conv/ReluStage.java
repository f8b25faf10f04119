package io.metaspark.core.model.conv;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * max(0, x), with DL4J's derivative: 1 where the input is positive, else 0.
 *
 * <p>Both loops are branch-free: half of a ReLU's inputs are negative, in no pattern a branch
 * predictor can learn, and the branchy version cost a quarter of a conv4 gradient.
 */
final class ReluStage implements Stage {
  /** The last output: the caller's buffer, rectified in place (activations are the heap's bulk). */
  private double[] out;
  private int length;

  @Override
  public int[] prepare(int n, int[] in) {
    length = n * in[0] * in[1] * in[2];
    return in;
  }

  @Override
  public double[] forward(double[] in, INDArray nativeIn, double[] params) {
    for (int i = 0; i < length; i++) {
      // +0.0 for every negative input and for -0.0, as the comparison DL4J makes
      in[i] = Math.max(in[i], 0.0);
    }
    out = in;
    return in;
  }

  @Override
  public double[] backward(double[] outGradient, boolean inputGradient, double[] params, double[] gradient) {
    if (!inputGradient) {
      return null;
    }
    // in place: the caller hands over its buffer
    mask(outGradient);
    return outGradient;
  }

  /** Inside its piece a ReLU is linear: the tangent goes through the same mask as the gradient. */
  @Override
  public double[] forwardTangent(double[] tangentIn, double[] params, double[] v) {
    if (tangentIn == null) {
      return null;
    }
    mask(tangentIn);
    return tangentIn;
  }

  /** f'' = 0 inside each piece (the Hessian autograd takes): both through the mask, nothing more. */
  @Override
  public Deltas backwardWithTangent(Deltas out, boolean inputGradient, double[] params, double[] v, double[] hv) {
    if (!inputGradient) {
      return null;
    }
    mask(out.gradient());
    mask(out.tangent());
    return out;
  }

  /** Zeroes, in place, the entries where the input was not positive. */
  private void mask(double[] values) {
    // An output is +0.0 (all bits clear) or positive, so (bits - 1) >> 63 is all ones exactly where
    // the input was not positive: a mask, no branch
    for (int i = 0; i < length; i++) {
      long keep = ~((Double.doubleToRawLongBits(out[i]) - 1) >> 63);
      values[i] = Double.longBitsToDouble(Double.doubleToRawLongBits(values[i]) & keep);
    }
  }
}
