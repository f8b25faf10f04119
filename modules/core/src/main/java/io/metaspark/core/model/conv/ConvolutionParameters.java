package io.metaspark.core.model.conv;

import io.metaspark.core.model.conv.OneDnnConvolution.Buffer;

/**
 * Where a oneDNN convolution's weights [out, in, kh, kw] (C order, as DL4J keeps them) and bias sit
 * in the flat parameter vector: written into the primitives' float buffers rounded to float, as the
 * network holds them, and their gradients added back into a flat vector in double.
 */
record ConvolutionParameters(int weightAt, int biasAt, int outChannels, int weightCount) {
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

  /** Adds a weight gradient, and a bias gradient unless {@code biasFrom} is null, into {@code into}. */
  void addGradients(Buffer weightsFrom, Buffer biasFrom, double[] into, float[] scratch) {
    weightsFrom.floats().get(scratch, 0, weightCount);
    for (int k = 0; k < weightCount; k++) {
      into[weightAt + k] += scratch[k];
    }
    if (biasFrom != null) {
      biasFrom.floats().get(scratch, 0, outChannels);
      for (int o = 0; o < outChannels; o++) {
        into[biasAt + o] += scratch[o];
      }
    }
  }
}
