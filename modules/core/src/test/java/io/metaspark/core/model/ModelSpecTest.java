package io.metaspark.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

class ModelSpecTest {

  @Test
  void shorthandBuildsTheMamlSinusoidNetworkAsPlainDl4jJson() {
    ModelSpec spec = MlpShorthand.parse("1-40-40-1").activation("relu").seed(5).toSpec();
    // 1*40+40 + 40*40+40 + 40*1+1
    assertEquals(1761, spec.initialParams().length);
    MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(spec.json());
    assertEquals(3, back.getConfs().size());
    assertEquals(DataType.FLOAT, spec.dataType());
  }

  @Test
  void initialParametersAreAFunctionOfTheConfigurationSeed() {
    ModelSpec a = MlpShorthand.parse("1-8-1").seed(5).toSpec();
    ModelSpec b = ModelSpec.fromJson(a.json());
    assertArrayEquals(a.initialParams(), b.initialParams());
    ModelSpec other = MlpShorthand.parse("1-8-1").seed(6).toSpec();
    assertTrue(!java.util.Arrays.equals(a.initialParams(), other.initialParams()));
  }

  @Test
  void badShorthandAndJsonNameTheBadPart() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> MlpShorthand.parse("1-x-1"))
        .getMessage().contains("'x'"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> MlpShorthand.parse("1-40-1").activation("relux"))
        .getMessage().contains("relux"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ModelSpec.fromJson("{\"nope\": 1}"))
        .getMessage().contains("DL4J"));
  }
}
