package io.metaspark.core.model.conv;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Average pooling over windows that tile the image without padding (stride equal to the kernel):
 * conv4's global average over the last block's positions, as the MAML code's Omniglot network takes
 * it ({@code tf.reduce_mean} over height and width before its output layer). Each output is its
 * window's mean and each input's gradient its window's output gradient over the window's size; rows
 * and columns a truncating window leaves out get none, as in DL4J's {@code avgpool2d_bp}.
 *
 * <p>Linear, so its R-operator is the same map on the tangents. Padded or overlapping windows, whose
 * divisors libnd4j chooses by a flag of its own, stay with DL4J ({@link ConvLearner#of}).
 */
final class AveragePoolingStage implements Stage {
  private final int[] kernel;
  private final double size;
  /** Per input position (n, c, y, x in C order), the output its window makes, or -1 where none covers it. */
  private int[] windowOf;
  private double[] output;
  private double[] inGradient;
  private double[] inTangent;

  AveragePoolingStage(int[] kernel) {
    this.kernel = kernel.clone();
    this.size = kernel[0] * kernel[1];
  }

  @Override
  public int[] prepare(int n, int[] in) {
    int inH = in[1];
    int inW = in[2];
    int outH = inH / kernel[0];
    int outW = inW / kernel[1];
    windowOf = new int[n * in[0] * inH * inW];
    int i = 0;
    for (int plane = 0; plane < n * in[0]; plane++) {
      for (int y = 0; y < inH; y++) {
        for (int x = 0; x < inW; x++) {
          int oy = y / kernel[0];
          int ox = x / kernel[1];
          // a truncating window may leave the last rows or columns out
          windowOf[i++] = oy < outH && ox < outW ? (plane * outH + oy) * outW + ox : -1;
        }
      }
    }
    output = new double[n * in[0] * outH * outW];
    inGradient = new double[windowOf.length];
    inTangent = new double[windowOf.length];
    return new int[] {in[0], outH, outW};
  }

  @Override
  public double[] forward(double[] in, INDArray nativeIn, double[] params) {
    average(in, output);
    return output;
  }

  @Override
  public double[] backward(double[] outGradient, boolean inputGradient, double[] params, double[] gradient) {
    if (!inputGradient) {
      return null;
    }
    spread(outGradient, inGradient);
    return inGradient;
  }

  @Override
  public double[] forwardTangent(double[] tangentIn, double[] params, double[] v) {
    if (tangentIn == null) {
      return null;
    }
    double[] tangentOut = new double[output.length];
    average(tangentIn, tangentOut);
    return tangentOut;
  }

  @Override
  public Deltas backwardWithTangent(Deltas out, boolean inputGradient, double[] params, double[] v, double[] hv) {
    if (!inputGradient) {
      return null;
    }
    spread(out.gradient(), inGradient);
    spread(out.tangent(), inTangent);
    return new Deltas(inGradient, inTangent);
  }

  /** Each window's sum, in the input's order, over the window's size. */
  private void average(double[] in, double[] out) {
    Arrays.fill(out, 0);
    for (int i = 0; i < windowOf.length; i++) {
      if (windowOf[i] >= 0) {
        out[windowOf[i]] += in[i];
      }
    }
    for (int o = 0; o < out.length; o++) {
      out[o] /= size;
    }
  }

  private void spread(double[] out, double[] in) {
    for (int i = 0; i < windowOf.length; i++) {
      in[i] = windowOf[i] >= 0 ? out[windowOf[i]] / size : 0;
    }
  }
}
