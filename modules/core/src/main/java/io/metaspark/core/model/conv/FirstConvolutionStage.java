package io.metaspark.core.model.conv;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The network's first convolution, in plain Java, for an input of a few channels (grey or colour
 * images): the forward pass, the parameters' gradient, and their R-operators; never the input's
 * gradient, which no one needs before the first layer.
 *
 * <p>Why not libnd4j's op, as {@link ConvolutionStage}: with one input channel, oneDNN's
 * convolution runs at a sixth of its speed on the layers after it, and {@code conv2d_bp} always
 * computes the input's gradient too. On conv4 (Omniglot) the first layer has 4% of the
 * multiply-adds and took a quarter of a first-order task's time.
 *
 * <p>The image is unrolled once per batch into one row of output positions per kernel tap
 * ({@code columns[example][tap]}), so that every inner loop reads and writes whole rows at the same
 * index and HotSpot vectorizes it. Each output is {@code (sum over taps, in order, of w * x) + b},
 * each weight's gradient {@code sum over positions of (sum over examples of dy * x)}: double
 * arithmetic on weights rounded to the network's data type, like the other Java stages; not the bits
 * of oneDNN's float kernels. Used for double networks, and for float ones with
 * {@code model.learner = libnd4j} ({@code native-convolutions} keeps libnd4j's op here too).
 */
final class FirstConvolutionStage implements Stage {
  private final int weightAt;
  private final int biasAt;
  private final int outChannels;
  private final Window window;
  private final boolean roundToFloat;
  private int n;
  private int inChannels;
  private int[] inShape;
  private int[] outShape;
  private int positions;
  private int taps;
  /** Per example and tap, the input value each output position sees through that tap (0 in the padding). */
  private double[][][] columns;
  private double[] output;
  private double[] tangentOutput;
  private double[] weights;
  private double[] row;
  /** Per tap, one output channel's sum over examples of dy * x by position (the backward pass's). */
  private double[][] weightSums;
  private double[] biasSums;

  /** @param weightAt, biasAt where the weights [out, in, kh, kw] (C order) and the bias start in the flat vector */
  FirstConvolutionStage(int weightAt, int biasAt, int outChannels, Window window, boolean roundToFloat) {
    this.weightAt = weightAt;
    this.biasAt = biasAt;
    this.outChannels = outChannels;
    this.window = window;
    this.roundToFloat = roundToFloat;
  }

  @Override
  public boolean takesNativeInput() {
    return true;
  }

  @Override
  public int[] prepare(int n, int[] in) {
    this.n = n;
    this.inChannels = in[0];
    this.inShape = in;
    this.outShape = window.outputShape(outChannels, in);
    this.positions = outShape[1] * outShape[2];
    this.taps = inChannels * window.kernel()[0] * window.kernel()[1];
    columns = new double[n][taps][positions];
    output = new double[n * outChannels * positions];
    tangentOutput = null;
    weights = new double[outChannels * taps];
    row = new double[positions];
    weightSums = new double[taps][positions];
    biasSums = new double[positions];
    return outShape;
  }

  @Override
  public double[] forward(double[] in, INDArray nativeIn, double[] params) {
    // every pass: the caller may have refilled the same array with other images
    unroll(nativeIn);
    convolve(params, output);
    return output;
  }

  /** Only the parameters' gradient: as the first stage, this is never asked for its input's. */
  @Override
  public double[] backward(double[] outGradient, boolean inputGradient, double[] params, double[] gradient) {
    requireFirst(inputGradient);
    parameterGradient(outGradient, gradient);
    return null;
  }

  /** The input does not depend on the parameters: R out = conv(x, V) + R b. */
  @Override
  public double[] forwardTangent(double[] tangentIn, double[] params, double[] v) {
    if (tangentOutput == null) {
      tangentOutput = new double[output.length];
    }
    convolve(v, tangentOutput);
    return tangentOutput;
  }

  /** R dW = dW(x, R delta) and R db = sum R delta; the dW(Rx, delta) term is zero, as Rx is. */
  @Override
  public Deltas backwardWithTangent(Deltas out, boolean inputGradient, double[] params, double[] v, double[] hv) {
    requireFirst(inputGradient);
    parameterGradient(out.tangent(), hv);
    return null;
  }

  private void requireFirst(boolean inputGradient) {
    if (inputGradient) {
      throw new IllegalStateException("the first convolution computes no input gradient");
    }
  }

  private void unroll(INDArray images) {
    double[] x = images.dataType() == DataType.DOUBLE ? images.data().asDouble()
        : images.castTo(DataType.DOUBLE).data().asDouble();
    int[] kernel = window.kernel();
    int[] stride = window.stride();
    int[] pad = window.leadingPadding(inShape, outShape);
    int height = inShape[1];
    int width = inShape[2];
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < inChannels; c++) {
        int plane = (i * inChannels + c) * height * width;
        for (int ky = 0; ky < kernel[0]; ky++) {
          for (int kx = 0; kx < kernel[1]; kx++) {
            double[] column = columns[i][(c * kernel[0] + ky) * kernel[1] + kx];
            for (int oy = 0; oy < outShape[1]; oy++) {
              int y = oy * stride[0] + ky - pad[0];
              for (int ox = 0; ox < outShape[2]; ox++) {
                int xx = ox * stride[1] + kx - pad[1];
                boolean inside = y >= 0 && y < height && xx >= 0 && xx < width;
                column[oy * outShape[2] + ox] = inside ? x[plane + y * width + xx] : 0;
              }
            }
          }
        }
      }
    }
  }

  /** out = conv(x, W) + b with W and b from {@code params} (or a direction through the same layout). */
  private void convolve(double[] params, double[] out) {
    for (int k = 0; k < weights.length; k++) {
      weights[k] = param(params, weightAt + k);
    }
    for (int i = 0; i < n; i++) {
      double[][] image = columns[i];
      for (int o = 0; o < outChannels; o++) {
        Arrays.fill(row, 0);
        int w = o * taps;
        int t = 0;
        // three taps per pass over the row, added in the same order as one at a time
        for (; t + 3 <= taps; t += 3) {
          double w0 = weights[w + t];
          double w1 = weights[w + t + 1];
          double w2 = weights[w + t + 2];
          double[] c0 = image[t];
          double[] c1 = image[t + 1];
          double[] c2 = image[t + 2];
          for (int p = 0; p < positions; p++) {
            row[p] = ((row[p] + w0 * c0[p]) + w1 * c1[p]) + w2 * c2[p];
          }
        }
        for (; t < taps; t++) {
          double weight = weights[w + t];
          double[] column = image[t];
          for (int p = 0; p < positions; p++) {
            row[p] += weight * column[p];
          }
        }
        double bias = param(params, biasAt + o);
        for (int p = 0; p < positions; p++) {
          row[p] += bias;
        }
        System.arraycopy(row, 0, out, (i * outChannels + o) * positions, positions);
      }
    }
  }

  /** Adds dW = sum over examples and positions of delta * x, and db = sum of delta, into {@code gradient}. */
  private void parameterGradient(double[] delta, double[] gradient) {
    for (int o = 0; o < outChannels; o++) {
      for (double[] sums : weightSums) {
        Arrays.fill(sums, 0);
      }
      Arrays.fill(biasSums, 0);
      for (int i = 0; i < n; i++) {
        System.arraycopy(delta, (i * outChannels + o) * positions, row, 0, positions);
        double[][] image = columns[i];
        int t = 0;
        // three taps per pass over delta's row
        for (; t + 3 <= taps; t += 3) {
          double[] s0 = weightSums[t];
          double[] s1 = weightSums[t + 1];
          double[] s2 = weightSums[t + 2];
          double[] c0 = image[t];
          double[] c1 = image[t + 1];
          double[] c2 = image[t + 2];
          for (int p = 0; p < positions; p++) {
            double d = row[p];
            s0[p] += d * c0[p];
            s1[p] += d * c1[p];
            s2[p] += d * c2[p];
          }
        }
        for (; t < taps; t++) {
          double[] sums = weightSums[t];
          double[] column = image[t];
          for (int p = 0; p < positions; p++) {
            sums[p] += row[p] * column[p];
          }
        }
        for (int p = 0; p < positions; p++) {
          biasSums[p] += row[p];
        }
      }
      for (int t = 0; t < taps; t++) {
        gradient[weightAt + o * taps + t] += sum(weightSums[t]);
      }
      gradient[biasAt + o] += sum(biasSums);
    }
  }

  private static double sum(double[] values) {
    double sum = 0;
    for (double value : values) {
      sum += value;
    }
    return sum;
  }

  private double param(double[] params, int at) {
    return roundToFloat ? (float) params[at] : params[at];
  }
}
