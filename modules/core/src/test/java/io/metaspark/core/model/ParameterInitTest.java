package io.metaspark.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ParameterInitTest {
  private static final ModelSpec MLP = MlpShorthand.parse("1-40-40-1").seed(3).toSpec();

  @Test
  void dl4jInitIsTheConfigurationsOwn() {
    assertArrayEquals(MLP.initialParams(), ParameterInit.DL4J.initialParams(MLP, 99));
  }

  @Test
  void fanInUniformDrawsWeightsAndBiasesWithinOneOverRootFanIn() {
    double[] p = ParameterInit.FAN_IN_UNIFORM.initialParams(MLP, 5);
    // DL4J's flat layout, layer by layer, W then b: [1x40 | 40 | 40x40 | 40 | 40x1 | 1]
    int[][] blocks = {{0, 40, 1}, {40, 80, 1}, {80, 1680, 40}, {1680, 1720, 40}, {1720, 1760, 40}, {1760, 1761, 40}};
    for (int[] block : blocks) {
      double bound = 1 / Math.sqrt(block[2]);
      double max = 0;
      for (int i = block[0]; i < block[1]; i++) {
        assertTrue(Math.abs(p[i]) <= bound, "parameter " + i + " = " + p[i] + " exceeds " + bound);
        max = Math.max(max, Math.abs(p[i]));
      }
      if (block[1] - block[0] >= 40) {
        assertTrue(max > 0.8 * bound, "values should fill the range, max " + max + " of " + bound);
      }
    }
    // the point of it: first-layer biases are spread, not all zero as DL4J's init leaves them
    assertFalse(Arrays.stream(p, 40, 80).allMatch(v -> v == 0));
  }

  @Test
  void fanInUniformIsAPureFunctionOfTheSeed() {
    assertArrayEquals(ParameterInit.FAN_IN_UNIFORM.initialParams(MLP, 5), ParameterInit.FAN_IN_UNIFORM.initialParams(MLP, 5));
    assertFalse(Arrays.equals(ParameterInit.FAN_IN_UNIFORM.initialParams(MLP, 5),
        ParameterInit.FAN_IN_UNIFORM.initialParams(MLP, 6)));
  }

  @Test
  void namesAreTheConfigNames() {
    assertEquals(ParameterInit.FAN_IN_UNIFORM, ParameterInit.named("fan-in-uniform"));
    assertEquals("dl4j", ParameterInit.DL4J.configName());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ParameterInit.named("he")).getMessage().contains("'he'"));
  }
}
