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
  private int planes;
  private int inH;
  private int inW;
  private int outH;
  private int outW;
  private double[] output;
  private double[] inGradient;
  private double[] inTangent;

  AveragePoolingStage(int[] kernel) {
    this.kernel = kernel.clone();
  }

  @Override
  public int[] prepare(int n, int[] in) {
    planes = n * in[0];
    inH = in[1];
    inW = in[2];
    outH = inH / kernel[0];
    outW = inW / kernel[1];
    output = new double[planes * outH * outW];
    inGradient = new double[planes * inH * inW];
    inTangent = new double[inGradient.length];
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

  private void average(double[] in, double[] out) {
    double size = kernel[0] * kernel[1];
    int o = 0;
    for (int plane = 0; plane < planes; plane++) {
      int planeStart = plane * inH * inW;
      for (int oy = 0; oy < outH; oy++) {
        for (int ox = 0; ox < outW; ox++) {
          double sum = 0;
          for (int ky = 0; ky < kernel[0]; ky++) {
            int row = planeStart + (oy * kernel[0] + ky) * inW + ox * kernel[1];
            for (int kx = 0; kx < kernel[1]; kx++) {
              sum += in[row + kx];
            }
          }
          out[o++] = sum / size;
        }
      }
    }
  }

  private void spread(double[] out, double[] in) {
    // a truncating window may leave the last rows or columns out: they stay zero
    Arrays.fill(in, 0);
    double size = kernel[0] * kernel[1];
    int o = 0;
    for (int plane = 0; plane < planes; plane++) {
      int planeStart = plane * inH * inW;
      for (int oy = 0; oy < outH; oy++) {
        for (int ox = 0; ox < outW; ox++) {
          double share = out[o++] / size;
          for (int ky = 0; ky < kernel[0]; ky++) {
            int row = planeStart + (oy * kernel[0] + ky) * inW + ox * kernel[1];
            for (int kx = 0; kx < kernel[1]; kx++) {
              in[row + kx] = share;
            }
          }
        }
      }
    }
  }
}
