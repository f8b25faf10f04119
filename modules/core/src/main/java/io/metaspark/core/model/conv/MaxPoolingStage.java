package io.metaspark.core.model.conv;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Max pooling as libnd4j's {@code maxpool2d} and {@code maxpool2d_bp} ops compute it, the ones DL4J's
 * subsampling layer reaches through oneDNN: the first maximum of each window in row-major order, on
 * values in the network's data type, and its output's gradient routed back to it.
 *
 * <p>Where windows do not overlap (stride at least the kernel, conv4's 2x2 pooling) and the input
 * arrives from a Java stage, both passes run here in Java on the argmax, with the same bits as the
 * native ops (a maximum and a copy round nothing but to the data type, which is done here too;
 * {@code MaxPoolingStageTest} compares them bit for bit): the native route copied the input to native
 * memory and the result back, four copies of the largest activations per gradient, which with the
 * ops themselves were a fifth of a first-order task on conv4 with pooling. Overlapping windows,
 * whose gradients the native op sums in float in an order of its own, and a network's first stage,
 * whose input is native already, keep the native ops.
 *
 * <p>Its R-operator routes through the same argmax: each window's output moves with its largest
 * input, and so do the gradient and its tangent on the way back (libnd4j has no op that gathers by
 * another array's argmax).
 */
final class MaxPoolingStage implements Stage {
  /** maxpool2d's last two arguments: a parameter max pooling does not use, and NCHW. */
  private static final int UNUSED = 0;
  private static final int NCHW = 0;

  private final Window window;
  private final DataType dataType;
  /** Whether the passes may run in Java: windows that do not overlap. */
  private final boolean inJava;
  private NativeBuffers buffers;
  private int n;
  private int[] inShape;
  private int[] outShape;
  /** The forward pass's input (a Java stage's buffer, untouched until the next forward), or null if it was native. */
  private double[] forwardValues;
  /** Whether the last forward pass ran in Java (its input was a Java array, and windows do not overlap). */
  private boolean javaPass;
  private double[] output;
  /** Per output, the position of its window's maximum in the input; and the backward buffers. */
  private int[] argmax;
  private double[] routedGradient;
  private double[] routedTangent;

  MaxPoolingStage(Window window, DataType dataType) {
    this(window, dataType, window.stride()[0] >= window.kernel()[0] && window.stride()[1] >= window.kernel()[1]);
  }

  /** @param inJava whether non-overlapping windows over a Java input may run in Java (false: always the native ops) */
  MaxPoolingStage(Window window, DataType dataType, boolean inJava) {
    this.window = window;
    this.dataType = dataType;
    this.inJava = inJava;
  }

  @Override
  public boolean takesNativeInput() {
    return true;
  }

  @Override
  public int[] prepare(int n, int[] in) {
    int[] out = window.outputShape(in[0], in);
    buffers = new NativeBuffers(dataType, n, in, out);
    this.n = n;
    this.inShape = in;
    this.outShape = out;
    argmax = null;
    return out;
  }

  @Override
  public double[] forward(double[] values, INDArray nativeIn, double[] params) {
    forwardValues = values;
    javaPass = inJava && nativeIn == null;
    if (javaPass) {
      findArgmax(values);
      if (output == null) {
        output = new double[argmax.length];
      }
      boolean roundToFloat = dataType == DataType.FLOAT;
      for (int o = 0; o < argmax.length; o++) {
        double max = values[argmax[o]];
        output[o] = roundToFloat ? (float) max : max;
      }
      return output;
    }
    if (nativeIn != null) {
      buffers.input.assign(nativeIn);
    } else {
      buffers.writeInput(values);
    }
    Nd4j.exec(DynamicCustomOp.builder("maxpool2d")
        .addInputs(buffers.input)
        .addOutputs(buffers.output)
        .addIntegerArguments(window.arguments(UNUSED, NCHW))
        .build());
    return buffers.readOutput();
  }

  @Override
  public double[] backward(double[] gradientValues, boolean inputGradient, double[] params, double[] gradient) {
    if (!inputGradient) {
      return null;
    }
    if (javaPass) {
      // windows do not overlap: each input receives at most one output's gradient, in the data type
      java.util.Arrays.fill(routedGradient, 0);
      boolean roundToFloat = dataType == DataType.FLOAT;
      for (int o = 0; o < argmax.length; o++) {
        routedGradient[argmax[o]] = roundToFloat ? (float) gradientValues[o] : gradientValues[o];
      }
      return routedGradient;
    }
    buffers.writeOutGradient(gradientValues);
    Nd4j.exec(DynamicCustomOp.builder("maxpool2d_bp")
        .addInputs(buffers.input, buffers.outGradient)
        .addOutputs(buffers.inGradient)
        .addIntegerArguments(window.arguments(UNUSED, NCHW))
        .build());
    return buffers.readInGradient();
  }

  @Override
  public double[] forwardTangent(double[] tangentIn, double[] params, double[] v) {
    if (!javaPass) {
      findArgmax(forwardValues != null ? forwardValues : buffers.readInput());
    }
    double[] tangentOut = new double[argmax.length];
    if (tangentIn != null) {
      for (int o = 0; o < argmax.length; o++) {
        tangentOut[o] = tangentIn[argmax[o]];
      }
    }
    return tangentOut;
  }

  @Override
  public Deltas backwardWithTangent(Deltas out, boolean inputGradient, double[] params, double[] v, double[] hv) {
    if (!inputGradient) {
      return null;
    }
    java.util.Arrays.fill(routedGradient, 0);
    java.util.Arrays.fill(routedTangent, 0);
    double[] gradient = out.gradient();
    double[] tangent = out.tangent();
    for (int o = 0; o < argmax.length; o++) {
      // += : overlapping windows may share a maximum
      routedGradient[argmax[o]] += gradient[o];
      routedTangent[argmax[o]] += tangent[o];
    }
    return new Deltas(routedGradient, routedTangent);
  }

  private void findArgmax(double[] in) {
    int channels = inShape[0];
    int inH = inShape[1];
    int inW = inShape[2];
    int outH = outShape[1];
    int outW = outShape[2];
    if (argmax == null) {
      argmax = new int[n * channels * outH * outW];
      routedGradient = new double[n * channels * inH * inW];
      routedTangent = new double[routedGradient.length];
    }
    int[] kernel = window.kernel();
    int[] stride = window.stride();
    int[] padding = window.leadingPadding(inShape, outShape);
    boolean twoByTwo = kernel[0] == 2 && kernel[1] == 2 && stride[0] == 2 && stride[1] == 2;
    boolean roundToFloat = dataType == DataType.FLOAT;
    int o = 0;
    for (int plane = 0; plane < n * channels; plane++) {
      int planeStart = plane * inH * inW;
      for (int oy = 0; oy < outH; oy++) {
        int y = oy * stride[0] - padding[0];
        for (int ox = 0; ox < outW; ox++) {
          int x = ox * stride[1] - padding[1];
          argmax[o++] = twoByTwo && y >= 0 && y + 1 < inH && x >= 0 && x + 1 < inW
              ? firstMaximumOfFour(in, planeStart + y * inW + x, inW, roundToFloat)
              : firstMaximum(in, planeStart, y, x, inH, inW, roundToFloat);
        }
      }
    }
  }

  /**
   * The first maximum of a 2x2 window inside the image, in row-major order, without a branch: ReLU's
   * zeros tie at random, and HotSpot compiles a choice between doubles to a jump on x86, so the
   * values are compared as integers (their bits, ordered as the values are, -0.0 made +0.0 first so
   * that it ties with +0.0 as in a double comparison).
   */
  private static int firstMaximumOfFour(double[] in, int at, int width, boolean roundToFloat) {
    long first = orderedBits(in[at], roundToFloat);
    long second = orderedBits(in[at + 1], roundToFloat);
    long third = orderedBits(in[at + width], roundToFloat);
    long fourth = orderedBits(in[at + width + 1], roundToFloat);
    // the first maximum of each row, then of the two
    long top = lessMask(first, second);
    long topMax = first ^ ((first ^ second) & top);
    int topAt = at - (int) top;
    long bottom = lessMask(third, fourth);
    long bottomMax = third ^ ((third ^ fourth) & bottom);
    int bottomAt = at + width - (int) bottom;
    long lower = lessMask(topMax, bottomMax);
    return topAt ^ ((topAt ^ bottomAt) & (int) lower);
  }

  /** A value in the network's data type as a signed integer in the same order (NaN apart). */
  private static long orderedBits(double value, boolean roundToFloat) {
    if (roundToFloat) {
      int bits = Float.floatToRawIntBits((float) value + 0.0f);
      return bits ^ ((bits >> 31) & 0x7FFFFFFF);
    }
    long bits = Double.doubleToRawLongBits(value + 0.0);
    return bits ^ ((bits >> 63) & 0x7FFFFFFFFFFFFFFFL);
  }

  /** All ones if a < b, else zero (signed, overflow-safe; Hacker's Delight 2-12). */
  private static long lessMask(long a, long b) {
    long difference = a - b;
    return (difference ^ ((a ^ b) & (difference ^ a))) >> 63;
  }

  /** The first maximum of the window at (y, x) (its top left, maybe in the padding), in row-major order. */
  private int firstMaximum(double[] in, int planeStart, int y0, int x0, int inH, int inW, boolean roundToFloat) {
    int[] kernel = window.kernel();
    int best = -1;
    double max = Double.NEGATIVE_INFINITY;
    for (int ky = 0; ky < kernel[0]; ky++) {
      int y = y0 + ky;
      if (y < 0 || y >= inH) {
        continue;
      }
      for (int kx = 0; kx < kernel[1]; kx++) {
        int x = x0 + kx;
        if (x < 0 || x >= inW) {
          continue;
        }
        int at = planeStart + y * inW + x;
        double value = value(in, at, roundToFloat);
        if (best < 0 || value > max) {
          max = value;
          best = at;
        }
      }
    }
    return best;
  }

  /** A value as the native op compares it: in the network's data type. */
  private static double value(double[] in, int at, boolean roundToFloat) {
    return roundToFloat ? (float) in[at] : in[at];
  }
}
