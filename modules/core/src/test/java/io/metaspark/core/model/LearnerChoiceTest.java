package io.metaspark.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LearnerChoiceTest {

  @Test
  void autoTakesTheFastPathForAPlainMlpAndDl4jNeverDoes() {
    ModelSpec mlp = MlpShorthand.parse("1-40-40-1").toSpec();
    assertInstanceOf(DenseLearner.class, LearnerChoice.AUTO.create(mlp));
    assertInstanceOf(Dl4jLearner.class, LearnerChoice.DL4J.create(mlp));
    // a loss the fast path does not reproduce: auto falls back to DL4J
    ModelSpec softmax = MlpShorthand.parse("4-8-3").outputActivation("softmax").loss("mcxent").toSpec();
    assertInstanceOf(Dl4jLearner.class, LearnerChoice.AUTO.create(softmax));
  }

  @Test
  void namesAreTheConfigNames() {
    assertEquals(LearnerChoice.DL4J, LearnerChoice.named(" dl4j "));
    assertEquals(LearnerChoice.LIBND4J, LearnerChoice.named("libnd4j"));
    assertEquals(LearnerChoice.NATIVE_CONVOLUTIONS, LearnerChoice.named("native-convolutions"));
    assertEquals("unknown learner 'fast'; expected auto, libnd4j, native-convolutions or dl4j",
        assertThrows(IllegalArgumentException.class, () -> LearnerChoice.named("fast")).getMessage());
  }
}
