package io.metaspark.core.model.conv;

import io.metaspark.core.model.NativeVector;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A 2-D convolution by libnd4j's {@code conv2d} and {@code conv2d_bp} ops, the ones DL4J's own
 * layer calls (through oneDNN in the default native build), with the network's own weight and
 * bias views: the arithmetic is DL4J's. What this skips is the layer around it, whose backward
 * pass runs the forward convolution a second time.
 */
final class ConvolutionStage implements Stage {
  private final INDArray weights;
  private final INDArray bias;
  private final INDArray weightGradient;
  private final INDArray biasGradient;
  private final int outChannels;
  private final int[] kernel;
  private final int[] stride;
  private final int[] padding;
  private final boolean same;
  private final DataType dataType;

  private int n;
  private int[] inShape;
  private int[] outShape;
  private INDArray input;
  private NativeVector inputVector;
  private INDArray output;
  private NativeVector outputVector;
  private INDArray outGradient;
  private NativeVector outGradientVector;
  private INDArray inGradient;
  private NativeVector inGradientVector;
  private INDArray forwardInput;
  private double[] out;
  private double[] in;

  /**
   * @param weights, bias the layer's parameter views [out, in, kh, kw] and [out]
   * @param weightGradient, biasGradient views of the same shapes into the native gradient vector
   */
  ConvolutionStage(INDArray weights, INDArray bias, INDArray weightGradient, INDArray biasGradient,
      int[] kernel, int[] stride, int[] padding, boolean same) {
    this.weights = weights;
    this.bias = bias;
    this.weightGradient = weightGradient;
    this.biasGradient = biasGradient;
    this.outChannels = (int) weights.size(0);
    this.kernel = kernel;
    this.stride = stride;
    this.padding = padding;
    this.same = same;
    this.dataType = weights.dataType();
  }

  @Override
  public int[] prepare(int n, int[] in) {
    int[] shape = {outChannels, outputSize(in[1], 0), outputSize(in[2], 1)};
    if (this.n == n && java.util.Arrays.equals(in, inShape)) {
      return outShape;
    }
    this.n = n;
    this.inShape = in.clone();
    this.outShape = shape;
    input = Nd4j.create(dataType, n, in[0], in[1], in[2]);
    inputVector = new NativeVector(input);
    inGradient = Nd4j.create(dataType, n, in[0], in[1], in[2]);
    inGradientVector = new NativeVector(inGradient);
    output = Nd4j.create(dataType, n, shape[0], shape[1], shape[2]);
    outputVector = new NativeVector(output);
    outGradient = Nd4j.create(dataType, n, shape[0], shape[1], shape[2]);
    outGradientVector = new NativeVector(outGradient);
    this.out = new double[n * shape[0] * shape[1] * shape[2]];
    this.in = new double[n * in[0] * in[1] * in[2]];
    return shape;
  }

  /** DL4J's output sizes: ceil(in / stride) with "same" padding, else the padded, truncated count. */
  private int outputSize(int size, int axis) {
    if (same) {
      return (size + stride[axis] - 1) / stride[axis];
    }
    return (size + 2 * padding[axis] - kernel[axis]) / stride[axis] + 1;
  }

  @Override
  public double[] forward(double[] values, INDArray nativeIn, double[] params) {
    if (nativeIn != null) {
      forwardInput = nativeIn;
    } else {
      inputVector.write(values);
      forwardInput = input;
    }
    Nd4j.exec(DynamicCustomOp.builder("conv2d")
        .addInputs(forwardInput, weights, bias)
        .addOutputs(output)
        .addIntegerArguments(arguments())
        .build());
    outputVector.read(1, out);
    return out;
  }

  @Override
  public double[] backward(double[] gradientValues, boolean inputGradient, double[] params, double[] gradient) {
    outGradientVector.write(gradientValues);
    Nd4j.exec(DynamicCustomOp.builder("conv2d_bp")
        .addInputs(forwardInput, weights, bias, outGradient)
        .addOutputs(inGradient, weightGradient, biasGradient)
        .addIntegerArguments(arguments())
        .build());
    if (!inputGradient) {
      return null;
    }
    inGradientVector.read(1, in);
    return in;
  }

  /** conv2d's integer arguments: kernel, stride, padding, dilation, same mode, NCHW, weights [out, in, kh, kw]. */
  private int[] arguments() {
    return new int[] {kernel[0], kernel[1], stride[0], stride[1], padding[0], padding[1], 1, 1, same ? 1 : 0, 0, 1};
  }
}
