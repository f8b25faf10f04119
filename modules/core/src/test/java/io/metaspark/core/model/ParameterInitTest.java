package io.metaspark.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

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
  void xavierUniformDrawsWeightsWithinGlorotsBoundAndZeroBiases() {
    double[] p = ParameterInit.XAVIER_UNIFORM.initialParams(MLP, 5);
    // [1x40 | 40 | 40x40 | 40 | 40x1 | 1]: weights bounded by sqrt(6 / (fan_in + fan_out)), biases 0
    int[][] weights = {{0, 40, 1, 40}, {80, 1680, 40, 40}, {1720, 1760, 40, 1}};
    for (int[] block : weights) {
      double bound = Math.sqrt(6.0 / (block[2] + block[3]));
      double max = 0;
      for (int i = block[0]; i < block[1]; i++) {
        assertTrue(Math.abs(p[i]) <= bound, "weight " + i + " = " + p[i] + " exceeds " + bound);
        max = Math.max(max, Math.abs(p[i]));
      }
      assertTrue(max > 0.8 * bound, "weights should fill the range, max " + max + " of " + bound);
    }
    for (int[] bias : new int[][] {{40, 80}, {1680, 1720}, {1760, 1761}}) {
      assertTrue(Arrays.stream(p, bias[0], bias[1]).allMatch(v -> v == 0), "biases start at 0");
    }
    assertArrayEquals(p, ParameterInit.XAVIER_UNIFORM.initialParams(MLP, 5));
  }

  @Test
  void xavierUniformCountsAConvolutionsKernelInBothFans() {
    ModelSpec conv = Conv4.of(28, 5).filters(8).toSpec();
    MultiLayerNetwork xavier = withParams(conv, ParameterInit.XAVIER_UNIFORM.initialParams(conv, 5));
    MultiLayerNetwork dl4j = withParams(conv, ParameterInit.DL4J.initialParams(conv, 5));
    // the first layer's 8 x 1 x 3 x 3 weights: fan_in 1 x 9, fan_out 8 x 9
    double[] w = xavier.getLayer(0).paramTable().get("W").castTo(DataType.DOUBLE).dup().data().asDouble();
    double bound = Math.sqrt(6.0 / (9 + 72));
    assertEquals(72, w.length);
    assertTrue(Arrays.stream(w).allMatch(v -> Math.abs(v) <= bound), "weights within " + bound);
    assertTrue(Arrays.stream(w).map(Math::abs).max().orElseThrow() > 0.8 * bound, "weights should fill the range");
    assertTrue(Arrays.stream(xavier.getLayer(0).paramTable().get("b").castTo(DataType.DOUBLE).toDoubleVector())
        .allMatch(v -> v == 0), "biases start at 0");
    // batch norm's gamma and beta (and its running statistics) keep DL4J's values
    assertEquals(dl4j.getLayer(1).params(), xavier.getLayer(1).params());
  }

  private static MultiLayerNetwork withParams(ModelSpec spec, double[] params) {
    MultiLayerNetwork net = spec.newNetwork();
    net.setParams(Nd4j.create(params).castTo(net.params().dataType()).reshape(1, params.length));
    return net;
  }

  @Test
  void namesAreTheConfigNames() {
    assertEquals(ParameterInit.XAVIER_UNIFORM, ParameterInit.named("xavier-uniform"));
    assertEquals(ParameterInit.FAN_IN_UNIFORM, ParameterInit.named("fan-in-uniform"));
    assertEquals("dl4j", ParameterInit.DL4J.configName());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ParameterInit.named("he")).getMessage().contains("'he'"));
  }
}
