package io.metaspark.core.model.conv;

import io.metaspark.core.model.conv.OneDnnConvolution.Buffer;

/**
 * A oneDNN convolution's weights [out, in, kh, kw] (C order, as DL4J keeps them) and bias: where
 * they sit in the flat parameter vector, and the float buffers its primitives read them from and
 * write their gradients to. Written from the flat vector rounded to float, as the network holds
 * them; gradients added back into a flat vector in double.
 */
final class ConvolutionParameters {
  private final int weightAt;
  private final int biasAt;
  private final int outChannels;
  private final int weightCount;
  final Buffer weights;
  final Buffer bias;
  final Buffer weightGradient;
  final Buffer biasGradient;

  /** @param inChannels the convolution's input channels; {@code window} its kernel */
  ConvolutionParameters(int weightAt, int biasAt, int outChannels, int inChannels, Window window,
      OneDnnConvolution convolution) {
    this.weightAt = weightAt;
    this.biasAt = biasAt;
    this.outChannels = outChannels;
    this.weightCount = outChannels * inChannels * window.kernel()[0] * window.kernel()[1];
    weights = OneDnnConvolution.buffer(convolution.weightsLayout);
    bias = OneDnnConvolution.buffer(convolution.biasLayout);
    weightGradient = OneDnnConvolution.buffer(convolution.weightsLayout);
    biasGradient = OneDnnConvolution.buffer(convolution.biasLayout);
  }

  int weightCount() {
    return weightCount;
  }

  /** The parameters of {@code flat} into {@link #weights} and {@link #bias}, rounded to float. */
  void write(double[] flat, float[] scratch) {
    write(flat, weights, bias, scratch);
  }

  /** The weights and bias of {@code flat} (parameters, or a direction for the R-operator), rounded to float. */
  void write(double[] flat, Buffer weightsInto, Buffer biasInto, float[] scratch) {
    for (int k = 0; k < weightCount; k++) {
      scratch[k] = (float) flat[weightAt + k];
    }
    weightsInto.floats().put(scratch, 0, weightCount);
    for (int o = 0; o < outChannels; o++) {
      scratch[o] = (float) flat[biasAt + o];
    }
    biasInto.floats().put(scratch, 0, outChannels);
  }

  /** Adds {@link #weightGradient} and {@link #biasGradient}, or the weights' only when {@code withBias} is false, into {@code into}. */
  void addGradients(double[] into, boolean withBias, float[] scratch) {
    weightGradient.floats().get(scratch, 0, weightCount);
    for (int k = 0; k < weightCount; k++) {
      into[weightAt + k] += scratch[k];
    }
    if (withBias) {
      biasGradient.floats().get(scratch, 0, outChannels);
      for (int o = 0; o < outChannels; o++) {
        into[biasAt + o] += scratch[o];
      }
    }
  }
}
