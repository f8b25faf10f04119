package io.metaspark.core.model.conv;

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
  /** maxpool2d's last two arguments: a parameter max pooling does not use, and NCHW. */
  private static final int UNUSED = 0;
  private static final int NCHW = 0;

  private final Window window;
  private final DataType dataType;
  private NativeBuffers buffers;

  MaxPoolingStage(Window window, DataType dataType) {
    this.window = window;
    this.dataType = dataType;
  }

  @Override
  public int[] prepare(int n, int[] in) {
    int[] out = window.outputShape(in[0], in);
    buffers = new NativeBuffers(dataType, n, in, out);
    return out;
  }

  @Override
  public double[] forward(double[] values, INDArray nativeIn, double[] params) {
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
    buffers.writeOutGradient(gradientValues);
    Nd4j.exec(DynamicCustomOp.builder("maxpool2d_bp")
        .addInputs(buffers.input, buffers.outGradient)
        .addOutputs(buffers.inGradient)
        .addIntegerArguments(window.arguments(UNUSED, NCHW))
        .build());
    return buffers.readInGradient();
  }
}
