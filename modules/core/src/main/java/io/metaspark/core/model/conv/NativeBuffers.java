package io.metaspark.core.model.conv;

import io.metaspark.core.model.NativeVector;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What a native op's stage needs for one batch shape: its input, output and their gradients as
 * native NCHW arrays, each with its bulk copy from or to a Java array that is reused.
 */
final class NativeBuffers {
  final INDArray input;
  final INDArray output;
  final INDArray outGradient;
  final INDArray inGradient;
  private final NativeVector inputVector;
  private final NativeVector outputVector;
  private final NativeVector outGradientVector;
  private final NativeVector inGradientVector;
  private final double[] out;
  private final double[] in;

  NativeBuffers(DataType type, int n, int[] inShape, int[] outShape) {
    input = Nd4j.create(type, n, inShape[0], inShape[1], inShape[2]);
    inGradient = Nd4j.create(type, n, inShape[0], inShape[1], inShape[2]);
    output = Nd4j.create(type, n, outShape[0], outShape[1], outShape[2]);
    outGradient = Nd4j.create(type, n, outShape[0], outShape[1], outShape[2]);
    inputVector = new NativeVector(input);
    inGradientVector = new NativeVector(inGradient);
    outputVector = new NativeVector(output);
    outGradientVector = new NativeVector(outGradient);
    out = new double[(int) output.length()];
    in = new double[(int) input.length()];
  }

  /** Copies {@code values} into {@link #input}. */
  void writeInput(double[] values) {
    inputVector.write(values);
  }

  /** {@link #input} as a new Java array. */
  double[] readInput() {
    double[] values = new double[(int) input.length()];
    inputVector.read(1, values);
    return values;
  }

  /** {@link #output} as a Java array (the same array every call). */
  double[] readOutput() {
    outputVector.read(1, out);
    return out;
  }

  /** Copies {@code values} into {@link #outGradient}. */
  void writeOutGradient(double[] values) {
    outGradientVector.write(values);
  }

  /** {@link #inGradient} as a Java array (the same array every call). */
  double[] readInGradient() {
    inGradientVector.read(1, in);
    return in;
  }
}
