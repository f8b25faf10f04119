package io.metaspark.core.model.conv;

import io.metaspark.core.model.conv.OneDnnConvolution.Buffer;
import java.util.List;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A float network's body of [convolution, batch norm, ReLU] blocks (conv4 with strided
 * convolutions) run by oneDNN alone, in float, on the layouts its convolutions choose: the images go
 * in once, the last block's activations come out once (plain NCHW, in double, for the output layer),
 * and between the blocks nothing is reordered or converted. This is how the PyTorch reference runs the
 * same network; the other route ({@link OneDnnConvolutionStage}, {@link BatchNormStage}, {@link
 * ReluStage}) converts every activation to double NCHW and back around each convolution and
 * normalizes in double, which is its arithmetic and its bits, and about half of a query batch's time.
 *
 * <p>Float arithmetic in oneDNN's order throughout (batch norm's statistics included), so results
 * agree with the double route's to float rounding, not bit for bit. Parameters come from the flat
 * vector rounded to float, gradients are added into the flat gradient in double.
 *
 * <p>No R-operator: the learner that holds it has no exact Hessian-vector product, and algorithms
 * that need one take central differences of its gradients. It is the body's first stage and takes
 * the images as they are (a dense C-order float array), so it never returns an input gradient.
 */
final class OneDnnFloatBody implements Stage {
  /** One block's parameters: the convolution's, then batch norm's, where they start in the flat vector. */
  record Block(int weightAt, int biasAt, int outChannels, Window window, int gammaAt, int betaAt, double eps) {}

  private final List<Block> blocks;
  private final stream stream = new stream(OneDnnConvolution.CPU);
  private Layer[] layers;
  private float[] scratch;
  /** The images' memory, over the features' own floats, repointed at each batch's. */
  private memory imagesInput;
  /** The images {@link #imagesInput} reads, kept alive while it does. */
  private INDArray images;
  private Buffer plainOutput;
  private Buffer plainOutputGradient;
  private reorder outputToPlain;
  private reorder gradientFromPlain;
  private double[] outputValues;

  /** A block's primitives and memories for one batch shape. */
  private static final class Layer {
    final Block block;
    final OneDnnConvolution convolution;
    final OneDnnBatchNormRelu norm;
    final ConvolutionParameters parameters;
    final Buffer scaleShift;
    final Buffer scaleShiftGradient;
    /** In the convolution's chosen layout: its output (batch norm's input), and that output's gradient. */
    final memory convolutionOutput;
    final memory convolutionOutputGradient;
    /** In the same layout: the block's output (the next convolution's input), and its gradient. */
    final memory output;
    final memory outputGradient;

    Layer(Block block, int n, int[] in, int[] out, memory.desc source, stream stream) {
      this.block = block;
      convolution = new OneDnnConvolution(n, in, out, block.window(), source, true);
      norm = new OneDnnBatchNormRelu(convolution.destinationLayout, block.eps(), stream);
      parameters = new ConvolutionParameters(block.weightAt(), block.biasAt(), block.outChannels(), in[0],
          block.window(), convolution);
      scaleShift = OneDnnConvolution.buffer(norm.scaleShiftLayout);
      scaleShiftGradient = OneDnnConvolution.buffer(norm.scaleShiftLayout);
      convolutionOutput = new memory(convolution.destinationLayout, OneDnnConvolution.CPU);
      convolutionOutputGradient = new memory(convolution.destinationLayout, OneDnnConvolution.CPU);
      output = new memory(convolution.destinationLayout, OneDnnConvolution.CPU);
      outputGradient = new memory(convolution.destinationLayout, OneDnnConvolution.CPU);
    }
  }

  OneDnnFloatBody(List<Block> blocks) {
    if (blocks.isEmpty()) {
      throw new IllegalArgumentException("a body needs at least one block");
    }
    this.blocks = List.copyOf(blocks);
  }

  @Override
  public boolean takesNativeInput() {
    return true;
  }

  @Override
  public int[] prepare(int n, int[] in) {
    layers = new Layer[blocks.size()];
    int[] shape = in;
    memory.desc source = null;
    int largest = 0;
    for (int l = 0; l < layers.length; l++) {
      Block block = blocks.get(l);
      int[] out = block.window().outputShape(block.outChannels(), shape);
      layers[l] = new Layer(block, n, shape, out, source, stream);
      source = layers[l].convolution.destinationLayout;
      largest = Math.max(largest, Math.max(layers[l].parameters.weightCount(), 2 * block.outChannels()));
      shape = out;
    }
    Layer last = layers[layers.length - 1];
    memory.desc plain = new memory.desc(new long[] {n, shape[0], shape[1], shape[2]}, memory.data_type.f32,
        memory.format_tag.nchw);
    plainOutput = OneDnnConvolution.buffer(plain);
    plainOutputGradient = OneDnnConvolution.buffer(plain);
    outputToPlain = new reorder(last.output, plainOutput.memory());
    gradientFromPlain = new reorder(plainOutputGradient.memory(), last.outputGradient);
    outputValues = new double[n * shape[0] * shape[1] * shape[2]];
    scratch = new float[Math.max(largest, outputValues.length)];
    imagesInput = null;
    images = null;
    return shape;
  }

  @Override
  public double[] forward(double[] in, INDArray nativeIn, double[] params) {
    if (nativeIn == null) {
      throw new IllegalStateException("the float body takes the images as they are, not a Java array");
    }
    images = nativeIn;
    FloatPointer floats = new FloatPointer(nativeIn.data().addressPointer());
    if (imagesInput == null) {
      imagesInput = OneDnnConvolution.over(layers[0].convolution.sourceLayout, floats);
    } else {
      imagesInput.set_data_handle(floats);
    }
    memory input = imagesInput;
    for (Layer layer : layers) {
      writeParameters(params, layer);
      layer.convolution.forward(input, layer.parameters.weights.memory(), layer.parameters.bias.memory(),
          layer.convolutionOutput);
      layer.norm.forward(layer.convolutionOutput, layer.scaleShift.memory(), layer.output);
      input = layer.output;
    }
    outputToPlain.execute(stream, layers[layers.length - 1].output, plainOutput.memory());
    stream._wait();
    float[] f = scratch;
    plainOutput.floats().get(f, 0, outputValues.length);
    for (int i = 0; i < outputValues.length; i++) {
      outputValues[i] = f[i];
    }
    return outputValues;
  }

  @Override
  public double[] backward(double[] outGradient, boolean inputGradient, double[] params, double[] gradient) {
    if (inputGradient) {
      throw new IllegalStateException("the float body is the first stage: the images have no gradient to take");
    }
    float[] f = scratch;
    for (int i = 0; i < outGradient.length; i++) {
      f[i] = (float) outGradient[i];
    }
    plainOutputGradient.floats().put(f, 0, outGradient.length);
    gradientFromPlain.execute(stream, plainOutputGradient.memory(), layers[layers.length - 1].outputGradient);
    stream._wait();
    for (int l = layers.length - 1; l >= 0; l--) {
      Layer layer = layers[l];
      layer.norm.backward(layer.convolutionOutput, layer.scaleShift.memory(), layer.outputGradient,
          layer.convolutionOutputGradient, layer.scaleShiftGradient.memory());
      memory input = l == 0 ? imagesInput : layers[l - 1].output;
      layer.convolution.backwardWeights(input, layer.convolutionOutputGradient,
          layer.parameters.weightGradient.memory(), layer.parameters.biasGradient.memory());
      addGradients(layer, gradient);
      if (l > 0) {
        layer.convolution.backwardData(layer.convolutionOutputGradient, layer.parameters.weights.memory(),
            layers[l - 1].outputGradient);
      }
    }
    return null;
  }

  @Override
  public double[] forwardTangent(double[] tangentIn, double[] params, double[] v) {
    throw noROperator();
  }

  @Override
  public Deltas backwardWithTangent(Deltas out, boolean inputGradient, double[] params, double[] v, double[] hv) {
    throw noROperator();
  }

  private static UnsupportedOperationException noROperator() {
    return new UnsupportedOperationException("the float oneDNN body has no R-operator (no exact Hessian-vector"
        + " products): model.learner = auto has them");
  }

  /** The block's convolution weights and bias, gamma and beta, from the flat vector rounded to float. */
  private void writeParameters(double[] flat, Layer layer) {
    layer.parameters.write(flat, scratch);
    Block block = layer.block;
    int channels = block.outChannels();
    float[] f = scratch;
    for (int c = 0; c < channels; c++) {
      f[c] = (float) flat[block.gammaAt() + c];
      f[channels + c] = (float) flat[block.betaAt() + c];
    }
    layer.scaleShift.floats().put(f, 0, 2 * channels);
  }

  /** Adds the block's parameter gradients into the flat vector {@code into}. */
  private void addGradients(Layer layer, double[] into) {
    layer.parameters.addGradients(into, true, scratch);
    Block block = layer.block;
    int channels = block.outChannels();
    float[] f = scratch;
    layer.scaleShiftGradient.floats().get(f, 0, 2 * channels);
    for (int c = 0; c < channels; c++) {
      into[block.gammaAt() + c] += f[c];
      into[block.betaAt() + c] += f[channels + c];
    }
  }
}
