package io.metaspark.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The bulk copies give exactly what ND4J's own conversions give, in both directions. */
class NativeVectorTest {
  private static double[] values(int n) {
    SplittableRandom random = new SplittableRandom(3);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      // many magnitudes, so rounding to float is exercised, plus values float cannot hold
      v[i] = random.nextGaussian() * Math.pow(10, random.nextInt(-30, 30));
    }
    v[0] = 1e300;
    v[1] = -0.0;
    v[2] = Double.NaN;
    return v;
  }

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE", "HALF"})
  void writesAndReadsWhatNd4jsConversionsGive(DataType type) {
    double[] v = values(1001);
    INDArray flat = Nd4j.zeros(type, 1, v.length);
    NativeVector vector = new NativeVector(flat);
    assertEquals(type != DataType.HALF, vector.bulk(), "half precision takes ND4J's route");

    vector.write(v);
    double[] expected = Nd4j.createFromArray(v).castTo(type).castTo(DataType.DOUBLE).toDoubleVector();
    double[] written = flat.castTo(DataType.DOUBLE).toDoubleVector();
    for (int i = 0; i < v.length; i++) {
      // bit patterns: NaN must stay NaN and -0.0 stay -0.0
      assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(written[i]), "entry " + i);
    }

    double[] read = new double[v.length];
    vector.read(0.25, read);
    double[] asDouble = flat.castTo(DataType.DOUBLE).toDoubleVector();
    for (int i = 0; i < v.length; i++) {
      assertEquals(Double.doubleToLongBits(asDouble[i] * 0.25), Double.doubleToLongBits(read[i]), "entry " + i);
    }
  }

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
  void aViewIntoALargerBufferIsWrittenThroughNd4jNotPastItsEnd(DataType type) {
    INDArray whole = Nd4j.zeros(type, 1, 10);
    INDArray view = whole.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0),
        org.nd4j.linalg.indexing.NDArrayIndex.interval(3, 7));
    NativeVector vector = new NativeVector(view);
    assertFalse(vector.bulk());
    vector.write(new double[] {1, 2, 3, 4});
    assertArrayEquals(new double[] {0, 0, 0, 1, 2, 3, 4, 0, 0, 0}, whole.castTo(DataType.DOUBLE).toDoubleVector());
    double[] out = new double[4];
    vector.read(2, out);
    assertArrayEquals(new double[] {2, 4, 6, 8}, out);
  }

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
  void aNetworksFlatVectorsTakeTheBulkRoute(DataType type) {
    INDArray flat = Nd4j.zeros(type, 1, 5);
    NativeVector vector = new NativeVector(flat);
    assertTrue(vector.bulk());
    assertTrue(vector.backs(flat));
    assertFalse(vector.backs(flat.dup()));
  }

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
  void aWrongLengthIsRefusedBeforeAnyCopy(DataType type) {
    NativeVector vector = new NativeVector(Nd4j.zeros(type, 1, 5));
    IllegalArgumentException w = assertThrows(IllegalArgumentException.class, () -> vector.write(new double[6]));
    assertTrue(w.getMessage().contains("expected 5 values, got 6"), w.getMessage());
    assertThrows(IllegalArgumentException.class, () -> vector.read(1, new double[4]));
  }
}
