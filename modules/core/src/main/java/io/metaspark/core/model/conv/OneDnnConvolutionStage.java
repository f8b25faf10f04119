package io.metaspark.core.model.conv;

import io.metaspark.core.model.conv.OneDnnConvolution.Buffer;
import org.bytedeco.dnnl.memory;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A float network's 2-D convolution through oneDNN's primitives, made once per batch shape
 * ({@link OneDnnConvolution}), for any number of input channels: the first layer's one grey channel
 * included, where libnd4j's op is slow.
 *
 * <p>Float arithmetic, oneDNN's: another summation order than libnd4j's {@code conv2d} (oneDNN
 * 2.3.0 inside libnd4j, 2.5.2 here, with other kernels), so results agree with {@link
 * ConvolutionStage}'s to float rounding, not bit for bit. Parameters come from the flat vector
 * rounded to float, as the network holds them; gradients are added into the flat gradient in double.
 *
 * <p>The R-operator is convolutions, as in {@link ConvolutionStage}: R out = conv(x, V) + conv(Rx, W)
 * + R b; R dW = dW(x, R delta) + dW(Rx, delta), R db = sum R delta, R dx = dx(R delta, W) + dx(delta,
 * V). oneDNN computes the input's and the weights' gradients apart, so each term costs only itself.
 */
final class OneDnnConvolutionStage implements Stage {
  private final int weightAt;
  private final int biasAt;
  private final int outChannels;
  private final Window window;
  private ConvolutionParameters parameters;
  private OneDnnConvolution convolution;
  private float[] scratch;
  /** The batch's input: {@link #imagesInput} for the first layer, else {@link #ownInput}'s. */
  private memory input;
  private Buffer ownInput;
  /** The first layer's input, over the images' own floats, repointed at each batch's. */
  private memory imagesInput;
  /** The images {@link #imagesInput} reads, kept alive while it does. */
  private INDArray images;
  private Buffer output;
  private Buffer outGradient;
  private Buffer inGradient;
  private double[] outputValues;
  private double[] inGradientValues;
  /** Whether {@link #inGradient} holds dx of the latest forward pass. */
  private boolean inputGradientKnown;
  private Tangents tangents;

  /** The R-operator's buffers, made on its first use. */
  private final class Tangents {
    final Buffer input = OneDnnConvolution.buffer(convolution.sourceLayout);
    final Buffer weights = OneDnnConvolution.buffer(convolution.weightsLayout);
    final Buffer bias = OneDnnConvolution.buffer(convolution.biasLayout);
    final Buffer zeroBias = OneDnnConvolution.buffer(convolution.biasLayout);
    final Buffer output = OneDnnConvolution.buffer(convolution.destinationLayout);
    final Buffer outGradient = OneDnnConvolution.buffer(convolution.destinationLayout);
    final Buffer inGradient = OneDnnConvolution.buffer(convolution.sourceLayout);
    final Buffer biasScratch = OneDnnConvolution.buffer(convolution.biasLayout);
    final double[] outputValues = new double[OneDnnConvolutionStage.this.outputValues.length];
    final double[] inGradientValues = new double[OneDnnConvolutionStage.this.inGradientValues.length];
    boolean hasInput;

    Tangents() {
      zeroBias.floats().fill(0);
    }
  }

  /** @param weightAt, biasAt where the weights [out, in, kh, kw] (C order) and the bias start in the flat vector */
  OneDnnConvolutionStage(int weightAt, int biasAt, int outChannels, Window window) {
    this.weightAt = weightAt;
    this.biasAt = biasAt;
    this.outChannels = outChannels;
    this.window = window;
  }

  @Override
  public boolean takesNativeInput() {
    return true;
  }

  @Override
  public int[] prepare(int n, int[] in) {
    int[] out = window.outputShape(outChannels, in);
    convolution = new OneDnnConvolution(n, in, out, window);
    parameters = new ConvolutionParameters(weightAt, biasAt, outChannels, in[0], window, convolution);
    ownInput = OneDnnConvolution.buffer(convolution.sourceLayout);
    output = OneDnnConvolution.buffer(convolution.destinationLayout);
    outGradient = OneDnnConvolution.buffer(convolution.destinationLayout);
    inGradient = OneDnnConvolution.buffer(convolution.sourceLayout);
    outputValues = new double[n * out[0] * out[1] * out[2]];
    inGradientValues = new double[n * in[0] * in[1] * in[2]];
    scratch = new float[Math.max(parameters.weightCount(), Math.max(outputValues.length, inGradientValues.length))];
    tangents = null;
    // the images' memory was made for the previous batch shape's layout: made again on first use
    imagesInput = null;
    images = null;
    return out;
  }

  @Override
  public double[] forward(double[] values, INDArray nativeIn, double[] params) {
    inputGradientKnown = false;
    if (nativeIn != null) {
      // the images as they are: ConvLearner hands a float network a dense C-order float array
      images = nativeIn;
      FloatPointer floats = new FloatPointer(nativeIn.data().addressPointer());
      if (imagesInput == null) {
        imagesInput = OneDnnConvolution.over(convolution.sourceLayout, floats);
      } else {
        imagesInput.set_data_handle(floats);
      }
      input = imagesInput;
    } else {
      images = null;
      write(values, ownInput);
      input = ownInput.memory();
    }
    parameters.write(params, scratch);
    convolution.forward(input, parameters.weights.memory(), parameters.bias.memory(), output.memory());
    return read(output, outputValues);
  }

  @Override
  public double[] backward(double[] gradientValues, boolean inputGradient, double[] params, double[] gradient) {
    write(gradientValues, outGradient);
    convolution.backwardWeights(input, outGradient.memory(), parameters.weightGradient.memory(),
        parameters.biasGradient.memory());
    parameters.addGradients(gradient, true, scratch);
    if (!inputGradient) {
      return null;
    }
    convolution.backwardData(outGradient.memory(), parameters.weights.memory(), inGradient.memory());
    inputGradientKnown = true;
    return read(inGradient, inGradientValues);
  }

  @Override
  public double[] forwardTangent(double[] tangentIn, double[] params, double[] v) {
    if (tangents == null) {
      tangents = new Tangents();
    }
    parameters.write(v, tangents.weights, tangents.bias, scratch);
    // conv(x, V) + R b
    convolution.forward(input, tangents.weights.memory(), tangents.bias.memory(), tangents.output.memory());
    double[] result = read(tangents.output, tangents.outputValues);
    tangents.hasInput = tangentIn != null;
    if (tangents.hasInput) {
      // + conv(Rx, W)
      write(tangentIn, tangents.input);
      convolution.forward(tangents.input.memory(), parameters.weights.memory(), tangents.zeroBias.memory(),
          tangents.output.memory());
      addRead(tangents.output, result);
    }
    return result;
  }

  @Override
  public Deltas backwardWithTangent(Deltas out, boolean inputGradient, double[] params, double[] v, double[] hv) {
    write(out.gradient(), outGradient);
    write(out.tangent(), tangents.outGradient);
    // dW(x, R delta) and R db
    convolution.backwardWeights(input, tangents.outGradient.memory(), parameters.weightGradient.memory(),
        parameters.biasGradient.memory());
    parameters.addGradients(hv, true, scratch);
    if (tangents.hasInput) {
      // + dW(Rx, delta)
      convolution.backwardWeights(tangents.input.memory(), outGradient.memory(), parameters.weightGradient.memory(),
          tangents.biasScratch.memory());
      parameters.addGradients(hv, false, scratch);
    }
    if (!inputGradient) {
      return null;
    }
    // R dx = dx(R delta, W) + dx(delta, V)
    convolution.backwardData(tangents.outGradient.memory(), parameters.weights.memory(), tangents.inGradient.memory());
    double[] tangentResult = read(tangents.inGradient, tangents.inGradientValues);
    convolution.backwardData(outGradient.memory(), tangents.weights.memory(), tangents.inGradient.memory());
    addRead(tangents.inGradient, tangentResult);
    if (!inputGradientKnown) {
      convolution.backwardData(outGradient.memory(), parameters.weights.memory(), inGradient.memory());
      inputGradientKnown = true;
    }
    return new Deltas(read(inGradient, inGradientValues), tangentResult);
  }

  private void write(double[] values, Buffer into) {
    float[] f = scratch;
    for (int i = 0; i < values.length; i++) {
      f[i] = (float) values[i];
    }
    into.floats().put(f, 0, values.length);
  }

  private double[] read(Buffer from, double[] into) {
    float[] f = scratch;
    from.floats().get(f, 0, into.length);
    for (int i = 0; i < into.length; i++) {
      into[i] = f[i];
    }
    return into;
  }

  private void addRead(Buffer from, double[] into) {
    float[] f = scratch;
    from.floats().get(f, 0, into.length);
    for (int i = 0; i < into.length; i++) {
      into[i] += f[i];
    }
  }
}
