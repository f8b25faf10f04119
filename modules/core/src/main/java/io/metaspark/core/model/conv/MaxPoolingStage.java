package io.metaspark.core.model.conv;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Max pooling by libnd4j's {@code maxpool2d} and {@code maxpool2d_bp} ops, the ones DL4J's
 * subsampling layer reaches through oneDNN. Its input arrives from a Java stage (batch norm or
 * ReLU), so it is copied to native memory and the result back.
 *
 * <p>Its R-operator routes through the forward pass's argmax: each window's output moves with its
 * largest input, and so do the gradient and its tangent on the way back. The argmax is found here in
 * Java, as the native op finds it (the first maximum in row-major order, on values in the network's
 * data type), because libnd4j has no op that gathers by another array's argmax.
 */
final class MaxPoolingStage implements Stage {
  /** maxpool2d's last two arguments: a parameter max pooling does not use, and NCHW. */
  private static final int UNUSED = 0;
  private static final int NCHW = 0;

  private final Window window;
  private final DataType dataType;
  private NativeBuffers buffers;
  private int n;
  private int[] inShape;
  private int[] outShape;
  /** The forward pass's input (a Java stage's buffer, untouched until the next forward), or null if it was native. */
  private double[] forwardValues;
  /** For the R-operator: per output, the position of its window's maximum in the input; and the backward buffers. */
  private int[] argmax;
  private double[] routedGradient;
  private double[] routedTangent;

  MaxPoolingStage(Window window, DataType dataType) {
    this.window = window;
    this.dataType = dataType;
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
    if (nativeIn != null) {
      buffers.input.assign(nativeIn);
    } else {
      buffers.writeInput(values);
    }
    forwardValues = values;
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
    findArgmax(forwardValues != null ? forwardValues : buffers.readInput());
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
    boolean roundToFloat = dataType == DataType.FLOAT;
    int o = 0;
    for (int plane = 0; plane < n * channels; plane++) {
      int planeStart = plane * inH * inW;
      for (int oy = 0; oy < outH; oy++) {
        for (int ox = 0; ox < outW; ox++) {
          int best = -1;
          double max = Double.NEGATIVE_INFINITY;
          for (int ky = 0; ky < kernel[0]; ky++) {
            int y = oy * stride[0] - padding[0] + ky;
            if (y < 0 || y >= inH) {
              continue;
            }
            for (int kx = 0; kx < kernel[1]; kx++) {
              int x = ox * stride[1] - padding[1] + kx;
              if (x < 0 || x >= inW) {
                continue;
              }
              int at = planeStart + y * inW + x;
              double value = roundToFloat ? (float) in[at] : in[at];
              if (best < 0 || value > max) {
                max = value;
                best = at;
              }
            }
          }
          argmax[o++] = best;
        }
      }
    }
  }
}
