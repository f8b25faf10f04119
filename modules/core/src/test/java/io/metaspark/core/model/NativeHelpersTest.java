package io.metaspark.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.core.task.Examples;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The oneDNN helpers (used with -Dnd4j.classifier=linux-x86_64-onednn-avx2) compute the conv4
 * gradient DL4J's own layers compute, to float rounding, and repeat it bit for bit. With a build
 * without oneDNN both sides are DL4J's own layers and the test is trivially true.
 */
class NativeHelpersTest {

  private static Examples batch(int n) {
    SplittableRandom random = new SplittableRandom(7);
    double[][][][] pixels = new double[n][1][28][28];
    double[][] labels = new double[n][5];
    for (int i = 0; i < n; i++) {
      for (int y = 0; y < 28; y++) {
        for (int x = 0; x < 28; x++) {
          pixels[i][0][y][x] = random.nextDouble() < 0.15 ? 1 : 0;
        }
      }
      labels[i][i % 5] = 1;
    }
    return new Examples(Nd4j.create(pixels).castTo(DataType.FLOAT), Nd4j.create(labels).castTo(DataType.FLOAT));
  }

  private static double[] gradient(ModelSpec spec, double[] params, Examples batch, String disable) {
    String before = System.getProperty(NativeHelpers.DISABLE_PROPERTY);
    System.setProperty(NativeHelpers.DISABLE_PROPERTY, disable);
    try {
      Dl4jLearner learner = spec.newDl4jLearner();
      double[] g = new double[params.length];
      learner.lossAndGradient(params, batch, g);
      double[] again = new double[params.length];
      learner.lossAndGradient(params, batch, again);
      assertArrayEquals(g, again, 0.0, "the same gradient twice, bit for bit");
      return g;
    } finally {
      if (before == null) {
        System.clearProperty(NativeHelpers.DISABLE_PROPERTY);
      } else {
        System.setProperty(NativeHelpers.DISABLE_PROPERTY, before);
      }
    }
  }

  @Test
  void conv4GradientWithHelpersMatchesDl4jsOwnLayers() {
    System.out.println("oneDNN helpers available: " + NativeHelpers.oneDnnAvailable());
    Examples batch = batch(15);
    for (String downsample : new String[] {"stride", "pool"}) {
      ModelSpec spec = Conv4.of(28, 5).filters(16).downsample(downsample).toSpec();
      double[] params = spec.initialParams();
      double[] own = gradient(spec, params, batch, "true");
      double[] helpers = gradient(spec, params, batch, "false");
      double diff = 0;
      double norm = 0;
      for (int i = 0; i < own.length; i++) {
        diff += (own[i] - helpers[i]) * (own[i] - helpers[i]);
        norm += own[i] * own[i];
      }
      double relative = Math.sqrt(diff / norm);
      assertTrue(norm > 0);
      assertTrue(relative < 1e-5, downsample + ": relative L2 difference " + relative);
    }
  }

  @Test
  void enableKeepsAnExplicitChoice() {
    String before = System.getProperty(NativeHelpers.DISABLE_PROPERTY);
    try {
      System.setProperty(NativeHelpers.DISABLE_PROPERTY, "true");
      NativeHelpers.enable();
      assertEquals("true", System.getProperty(NativeHelpers.DISABLE_PROPERTY));
      System.clearProperty(NativeHelpers.DISABLE_PROPERTY);
      NativeHelpers.enable();
      assertEquals("false", System.getProperty(NativeHelpers.DISABLE_PROPERTY));
    } finally {
      if (before == null) {
        System.clearProperty(NativeHelpers.DISABLE_PROPERTY);
      } else {
        System.setProperty(NativeHelpers.DISABLE_PROPERTY, before);
      }
    }
  }
}
