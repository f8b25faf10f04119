package io.metaspark.core.model.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Max pooling's Java passes give the native ops' bits: on ReLU outputs, where ties are the rule
 * (windows of zeros, repeated values) and doubles that differ may round to the same float.
 */
class MaxPoolingStageTest {

  @ParameterizedTest
  @CsvSource({"FLOAT, 8, false", "FLOAT, 7, true", "DOUBLE, 8, false", "DOUBLE, 7, true"})
  void theJavaPassesGiveTheNativeOpsBits(DataType type, int size, boolean same) {
    Window window = new Window(new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0}, same);
    int n = 3;
    int[] in = {4, size, size};
    MaxPoolingStage inJava = new MaxPoolingStage(window, type, true);
    MaxPoolingStage nativeOps = new MaxPoolingStage(window, type, false);
    int[] out = inJava.prepare(n, in);
    nativeOps.prepare(n, in);
    SplittableRandom random = new SplittableRandom(size);
    double[] values = new double[n * in[0] * in[1] * in[2]];
    int ties = 0;
    for (int i = 0; i < values.length; i++) {
      double u = random.nextDouble();
      // a third zeros (ReLU), a third from a few repeated values, the rest apart only below float's precision
      values[i] = u < 0.33 ? 0 : u < 0.66 ? random.nextInt(3) * 0.25 : 0.5 + random.nextInt(4) * 1e-12;
    }
    assertArrayEquals(nativeOps.forward(values.clone(), null, null).clone(), inJava.forward(values.clone(), null, null),
        "forward");
    // windows inside the image whose maximum, in the data type, occurs more than once
    for (int plane = 0; plane < n * in[0]; plane++) {
      for (int y = 0; y + 1 < size; y += 2) {
        for (int x = 0; x + 1 < size; x += 2) {
          int at = plane * size * size + y * size + x;
          double[] window4 = {values[at], values[at + 1], values[at + size], values[at + size + 1]};
          double max = Double.NEGATIVE_INFINITY;
          for (int k = 0; k < 4; k++) {
            window4[k] = type == DataType.FLOAT ? (float) window4[k] : window4[k];
            max = Math.max(max, window4[k]);
          }
          int count = 0;
          for (double v : window4) {
            count += v == max ? 1 : 0;
          }
          ties += count > 1 ? 1 : 0;
        }
      }
    }
    assertTrue(ties > 20, "the data must have tied maxima: " + ties + " windows");
    double[] gradient = random.doubles(out[0] * out[1] * out[2] * n, -1, 1).toArray();
    assertArrayEquals(nativeOps.backward(gradient.clone(), true, null, null),
        inJava.backward(gradient.clone(), true, null, null), "backward");
    double[] tangent = random.doubles(values.length, -1, 1).toArray();
    assertArrayEquals(nativeOps.forwardTangent(tangent.clone(), null, null),
        inJava.forwardTangent(tangent.clone(), null, null), "R-operator forward");
  }
}
