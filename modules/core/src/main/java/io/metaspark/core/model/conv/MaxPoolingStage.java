package io.metaspark.core.model.conv;

import io.metaspark.core.model.NativeVector;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Max pooling by libnd4j's {@code maxpool2d} and {@code maxpool2d_bp} ops, the ones DL4J's
 * subsampling layer reaches through oneDNN. Its input arrives from a Java stage (batch norm or
 * ReLU), so it is copied to native memory and the result back.
 */
final class MaxPoolingStage implements Stage {
  private final int[] kernel;
  private final int[] stride;
  private final int[] padding;
  private final boolean same;
  private final DataType dataType;
  private INDArray input;
  private NativeVector inputVector;
  private INDArray output;
  private NativeVector outputVector;
  private INDArray outGradient;
  private NativeVector outGradientVector;
  private INDArray inGradient;
  private NativeVector inGradientVector;
  private double[] out;
  private double[] in;

  MaxPoolingStage(int[] kernel, int[] stride, int[] padding, boolean same, DataType dataType) {
    this.kernel = kernel;
    this.stride = stride;
    this.padding = padding;
    this.same = same;
    this.dataType = dataType;
  }

  @Override
  public int[] prepare(int n, int[] in) {
    int[] shape = {in[0], outputSize(in[1], 0), outputSize(in[2], 1)};
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
    INDArray source = input;
    if (nativeIn != null) {
      source = nativeIn;
    } else {
      inputVector.write(values);
    }
    if (source != input) {
      input.assign(source);
    }
    Nd4j.exec(DynamicCustomOp.builder("maxpool2d")
        .addInputs(input)
        .addOutputs(output)
        .addIntegerArguments(arguments())
        .build());
    outputVector.read(1, out);
    return out;
  }

  @Override
  public double[] backward(double[] gradientValues, boolean inputGradient, double[] params, double[] gradient) {
    if (!inputGradient) {
      return null;
    }
    outGradientVector.write(gradientValues);
    Nd4j.exec(DynamicCustomOp.builder("maxpool2d_bp")
        .addInputs(input, outGradient)
        .addOutputs(inGradient)
        .addIntegerArguments(arguments())
        .build());
    inGradientVector.read(1, in);
    return in;
  }

  /** maxpool2d's integer arguments: kernel, stride, padding, dilation, same mode, (unused), NCHW. */
  private int[] arguments() {
    return new int[] {kernel[0], kernel[1], stride[0], stride[1], padding[0], padding[1], 1, 1, same ? 1 : 0, 0, 0};
  }
}
