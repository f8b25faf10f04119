package io.metaspark.core.model;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A network's flat parameter or gradient vector, read and written from Java {@code double[]} in
 * one bulk native copy each way.
 *
 * <p>The learner crosses this boundary four times per conv4 gradient on a 5-image support set.
 * ND4J's own routes cost about a quarter of that call: {@code Nd4j.createFromArray(double[])}
 * allocates a native buffer and {@code castTo} a second one per load, and
 * {@code DataBuffer.asFloat()} reads element by element through an indexer. Here a reused Java
 * array is converted in a plain loop and moved with one JNI copy. A vector that is not a dense,
 * zero-offset float or double buffer (a half-precision network, say) takes ND4J's route.
 */
public final class NativeVector {
  private final INDArray array;
  private final int length;
  private final FloatPointer floats;
  private final DoublePointer doubles;
  private float[] floatScratch;
  private double[] doubleScratch;

  public NativeVector(INDArray array) {
    this.array = array;
    this.length = (int) array.length();
    boolean whole = array.elementWiseStride() == 1 && array.offset() == 0 && array.data().length() == array.length();
    DataType type = array.dataType();
    this.floats = whole && type == DataType.FLOAT ? new FloatPointer(array.data().pointer()) : null;
    this.doubles = whole && type == DataType.DOUBLE ? new DoublePointer(array.data().pointer()) : null;
  }

  /** Whether this copies to and from {@code other}'s memory: DL4J may replace a network's flat vectors. */
  public boolean backs(INDArray other) {
    return other == array;
  }

  /** Whether copies take the bulk route (else ND4J's). */
  public boolean bulk() {
    return floats != null || doubles != null;
  }

  /** Overwrites the native vector with {@code values}, rounded to its data type. */
  public void write(double[] values) {
    if (values.length != length) {
      throw new IllegalArgumentException("expected " + length + " values, got " + values.length);
    }
    if (floats != null) {
      float[] f = floatScratch();
      for (int i = 0; i < length; i++) {
        f[i] = (float) values[i];
      }
      floats.put(f, 0, length);
    } else if (doubles != null) {
      doubles.put(values, 0, length);
    } else {
      array.assign(Nd4j.createFromArray(values).castTo(array.dataType()));
    }
  }

  /** Writes {@code scale} times the native vector into {@code out}. */
  public void read(double scale, double[] out) {
    if (out.length != length) {
      throw new IllegalArgumentException("expected room for " + length + " values, got " + out.length);
    }
    if (floats != null) {
      float[] f = floatScratch();
      floats.get(f, 0, length);
      for (int i = 0; i < length; i++) {
        out[i] = f[i] * scale;
      }
    } else {
      double[] d;
      if (doubles != null) {
        d = doubleScratch();
        doubles.get(d, 0, length);
      } else {
        d = array.castTo(DataType.DOUBLE).toDoubleVector();
      }
      for (int i = 0; i < length; i++) {
        out[i] = d[i] * scale;
      }
    }
  }

  private float[] floatScratch() {
    if (floatScratch == null) {
      floatScratch = new float[length];
    }
    return floatScratch;
  }

  private double[] doubleScratch() {
    if (doubleScratch == null) {
      doubleScratch = new double[length];
    }
    return doubleScratch;
  }
}
