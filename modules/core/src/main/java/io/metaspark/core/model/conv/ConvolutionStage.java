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
 *
 * <p>A convolution is bilinear in its input and weights, so its R-operator is convolutions too:
 * R out = conv(x, V) + conv(Rx, W) + R b forward, and backward, with delta the output's gradient,
 * R dW = dW(x, R delta) + dW(Rx, delta) and R dx = dx(R delta, W) + dx(delta, V): two
 * {@code conv2d_bp} calls give all four terms, and a third the plain dx. (libnd4j's
 * {@code conv2d_input_bp}, which computes dx alone, has no oneDNN helper and is 6x slower than the
 * whole {@code conv2d_bp} on conv4's layers.)
 */
final class ConvolutionStage implements Stage {
  /** conv2d's last two arguments: NCHW, and weights laid out [out, in, kh, kw] as DL4J keeps them. */
  private static final int NCHW = 0;
  private static final int WEIGHTS_OIHW = 1;

  private final INDArray weights;
  private final INDArray bias;
  private final INDArray weightGradient;
  private final INDArray biasGradient;
  private final INDArray tangentWeights;
  private final INDArray tangentBias;
  private final Window window;
  private final DataType dataType;
  private int n;
  private int[] inShape;
  private int[] outShape;
  private NativeBuffers buffers;
  private INDArray forwardInput;
  /** Whether {@code buffers.inGradient} holds dx of the last forward pass (a backward pass since). */
  private boolean inputGradientKnown;
  /** The R-operator's, made on its first use: Rx, R out, R delta and R dx, and the second products' outputs. */
  private NativeBuffers tangentBuffers;
  private INDArray inputTangentProduct;
  private INDArray inputGradientScratch;
  private INDArray weightScratch;
  private boolean tangentInput;

  /**
   * @param weights, bias the layer's parameter views [out, in, kh, kw] and [out]
   * @param weightGradient, biasGradient views of the same shapes into the native gradient vector
   * @param tangentWeights, tangentBias views of the same shapes into the native copy of the
   *     direction v of a Hessian-vector product
   */
  ConvolutionStage(INDArray weights, INDArray bias, INDArray weightGradient, INDArray biasGradient,
      INDArray tangentWeights, INDArray tangentBias, Window window) {
    this.weights = weights;
    this.bias = bias;
    this.weightGradient = weightGradient;
    this.biasGradient = biasGradient;
    this.tangentWeights = tangentWeights;
    this.tangentBias = tangentBias;
    this.window = window;
    this.dataType = weights.dataType();
  }

  @Override
  public boolean takesNativeInput() {
    return true;
  }

  @Override
  public int[] prepare(int n, int[] in) {
    int[] out = window.outputShape((int) weights.size(0), in);
    buffers = new NativeBuffers(dataType, n, in, out);
    this.n = n;
    this.inShape = in;
    this.outShape = out;
    tangentBuffers = null;
    return out;
  }

  @Override
  public double[] forward(double[] values, INDArray nativeIn, double[] params) {
    inputGradientKnown = false;
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
    inputGradientKnown = inputGradient;
    return inputGradient ? buffers.readInGradient() : null;
  }

  @Override
  public double[] forwardTangent(double[] tangentIn, double[] params, double[] v) {
    if (tangentBuffers == null) {
      tangentBuffers = new NativeBuffers(dataType, n, inShape, outShape);
      inputTangentProduct = Nd4j.create(dataType, n, outShape[0], outShape[1], outShape[2]);
      inputGradientScratch = Nd4j.create(dataType, n, inShape[0], inShape[1], inShape[2]);
      weightScratch = Nd4j.create(dataType, weights.shape());
    }
    // conv(x, V) + R b
    Nd4j.exec(DynamicCustomOp.builder("conv2d")
        .addInputs(forwardInput, tangentWeights, tangentBias)
        .addOutputs(tangentBuffers.output)
        .addIntegerArguments(window.arguments(NCHW, WEIGHTS_OIHW))
        .build());
    tangentInput = tangentIn != null;
    if (tangentInput) {
      // + conv(Rx, W)
      tangentBuffers.writeInput(tangentIn);
      Nd4j.exec(DynamicCustomOp.builder("conv2d")
          .addInputs(tangentBuffers.input, weights)
          .addOutputs(inputTangentProduct)
          .addIntegerArguments(window.arguments(NCHW, WEIGHTS_OIHW))
          .build());
      tangentBuffers.output.addi(inputTangentProduct);
    }
    return tangentBuffers.readOutput();
  }

  @Override
  public Deltas backwardWithTangent(Deltas out, boolean inputGradient, double[] params, double[] v, double[] hv) {
    buffers.writeOutGradient(out.gradient());
    tangentBuffers.writeOutGradient(out.tangent());
    // dW(x, R delta) and R db into the gradient views, dx(R delta, W) into R dx
    Nd4j.exec(DynamicCustomOp.builder("conv2d_bp")
        .addInputs(forwardInput, weights, bias, tangentBuffers.outGradient)
        .addOutputs(inputGradient ? tangentBuffers.inGradient : inputGradientScratch, weightGradient, biasGradient)
        .addIntegerArguments(window.arguments(NCHW, WEIGHTS_OIHW))
        .build());
    if (tangentInput) {
      // + dW(Rx, delta), and dx(delta, V) into the scratch
      Nd4j.exec(DynamicCustomOp.builder("conv2d_bp")
          .addInputs(tangentBuffers.input, tangentWeights, buffers.outGradient)
          .addOutputs(inputGradientScratch, weightScratch)
          .addIntegerArguments(window.arguments(NCHW, WEIGHTS_OIHW))
          .build());
      weightGradient.addi(weightScratch);
      if (inputGradient) {
        tangentBuffers.inGradient.addi(inputGradientScratch);
      }
    } else if (inputGradient) {
      // dx(delta, V), where Rx = 0 left nothing to add it to
      inputGradientOnly(tangentWeights, buffers.outGradient, inputGradientScratch);
      tangentBuffers.inGradient.addi(inputGradientScratch);
    }
    if (!inputGradient) {
      return null;
    }
    if (!inputGradientKnown) {
      inputGradientOnly(weights, buffers.outGradient, buffers.inGradient);
      inputGradientKnown = true;
    }
    return new Deltas(buffers.readInGradient(), tangentBuffers.readInGradient());
  }

  /** dx(delta, w), the weights' gradient going to a scratch array. */
  private void inputGradientOnly(INDArray w, INDArray outGradient, INDArray into) {
    Nd4j.exec(DynamicCustomOp.builder("conv2d_bp")
        .addInputs(forwardInput, w, outGradient)
        .addOutputs(into, weightScratch)
        .addIntegerArguments(window.arguments(NCHW, WEIGHTS_OIHW))
        .build());
  }
}
