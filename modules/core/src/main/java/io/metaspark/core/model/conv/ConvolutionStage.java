package io.metaspark.core.model.conv;

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
  /** conv2d's last two arguments: NCHW, and weights laid out [out, in, kh, kw] as DL4J keeps them. */
  private static final int NCHW = 0;
  private static final int WEIGHTS_OIHW = 1;

  private final INDArray weights;
  private final INDArray bias;
  private final INDArray weightGradient;
  private final INDArray biasGradient;
  private final Window window;
  private final DataType dataType;
  private NativeBuffers buffers;
  private INDArray forwardInput;

  /**
   * @param weights, bias the layer's parameter views [out, in, kh, kw] and [out]
   * @param weightGradient, biasGradient views of the same shapes into the native gradient vector
   */
  ConvolutionStage(INDArray weights, INDArray bias, INDArray weightGradient, INDArray biasGradient, Window window) {
    this.weights = weights;
    this.bias = bias;
    this.weightGradient = weightGradient;
    this.biasGradient = biasGradient;
    this.window = window;
    this.dataType = weights.dataType();
  }

  @Override
  public int[] prepare(int n, int[] in) {
    int[] out = window.outputShape((int) weights.size(0), in);
    buffers = new NativeBuffers(dataType, n, in, out);
    return out;
  }

  @Override
  public double[] forward(double[] values, INDArray nativeIn, double[] params) {
    if (nativeIn != null) {
      forwardInput = nativeIn;
    } else {
      buffers.writeInput(values);
      forwardInput = buffers.input;
    }
    Nd4j.exec(DynamicCustomOp.builder("conv2d")
        .addInputs(forwardInput, weights, bias)
        .addOutputs(buffers.output)
        .addIntegerArguments(window.arguments(NCHW, WEIGHTS_OIHW))
        .build());
    return buffers.readOutput();
  }

  @Override
  public double[] backward(double[] gradientValues, boolean inputGradient, double[] params, double[] gradient) {
    buffers.writeOutGradient(gradientValues);
    Nd4j.exec(DynamicCustomOp.builder("conv2d_bp")
        .addInputs(forwardInput, weights, bias, buffers.outGradient)
        .addOutputs(buffers.inGradient, weightGradient, biasGradient)
        .addIntegerArguments(window.arguments(NCHW, WEIGHTS_OIHW))
        .build());
    return inputGradient ? buffers.readInGradient() : null;
  }
}
