package io.metaspark.app.adapt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.metaspark.app.cli.MetasparkCli;
import io.metaspark.app.testing.Console;
import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.algo.ScalarSgd;
import io.metaspark.core.algo.UpdateNetwork;
import io.metaspark.core.model.MlpShorthand;
import io.metaspark.core.model.ModelSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCardTest {
  /** A model exported before the card (format 1), committed with the code that wrote it (src-test-data/README.md). */
  private static final Path VERSION_ONE = Path.of("../../src-test-data/models/v1-sinusoid").toAbsolutePath().normalize();

  @TempDir
  Path dir;

  @Test
  void aModelJsonWrittenBeforeTheCardReadsAsAScalarSgdAdaptation() throws Exception {
    ModelCard card = ModelCard.fromJson(Files.readString(VERSION_ONE.resolve("model.json")));
    assertEquals("maml", card.algorithm());
    assertEquals("sgd", card.innerRule(), "format 1 had no inner_rule: its rule was plain SGD");
    assertEquals(1, card.innerSteps());
    assertEquals(0.01, card.innerLr());
    assertEquals("exact", card.hessianProduct());
    assertEquals(1761, card.numParams());
    assertEquals(10, card.iterations());
    assertTrue(card.config().contains("inner-lr=0.01"));
    ModelSpec mlp = MlpShorthand.parse("1-40-40-1").toSpec();
    Adaptation adaptation = card.adaptation(mlp);
    assertEquals(new ScalarSgd(0.01), adaptation.rule());
    assertEquals(1, adaptation.steps());
    assertEquals(new Adaptation(new ScalarSgd(0.5), 1).describe(), card.adaptation(mlp, 0.5).describe(),
        "adapt --lr: the same steps at another step size");
    double[] network = new double[1761];
    assertArrayEquals(network, card.meta(network), 0.0, "nothing learned besides the network");
  }

  @Test
  void aCardReadsBackWhatItWroteUnderTheKeysOfFormatOne() throws Exception {
    ModelCard card = new ModelCard("2026-01-01T00:00:00Z", "maml", "sgd", 3, 0.4, new double[] {0.1, -0.2}, "exact",
        "sinusoid(...)", 100, 25, 42, 2, "dl4j", "dense", "a { b = 1 }", Map.of("groups", 60), Map.of("tasks", 20),
        null);
    String json = card.toJson();
    JsonNode tree = new ObjectMapper().readTree(json);
    assertEquals(ModelCard.FORMAT, tree.get("format").asText());
    for (String key : List.of("created", "algorithm", "inner_steps", "inner_lr", "hessian_product", "task_family",
        "iterations", "meta_batch", "seed", "num_params", "init", "config", "tasks", "evaluation")) {
      assertTrue(tree.has(key), "format 1's key " + key);
    }
    ModelCard read = ModelCard.fromJson(json);
    assertArrayEquals(new double[] {0.1, -0.2}, read.learnedAdaptation(), 0.0);
    assertArrayEquals(new double[] {5, 6, 0.1, -0.2}, read.meta(new double[] {5, 6}), 0.0,
        "the network's parameters, then what the rule learned");
    assertEquals(List.of(card.created(), card.algorithm(), card.innerRule(), card.innerSteps(), card.innerLr(),
            card.hessianProduct(), card.taskFamily(), card.iterations(), card.metaBatch(), card.seed(), card.numParams(),
            card.init(), card.learner(), card.config(), card.tasks(), card.evaluation()),
        List.of(read.created(), read.algorithm(), read.innerRule(), read.innerSteps(), read.innerLr(),
            read.hessianProduct(), read.taskFamily(), read.iterations(), read.metaBatch(), read.seed(), read.numParams(),
            read.init(), read.learner(), read.config(), read.tasks(), read.evaluation()));
    ModelCard older = ModelCard.fromJson(new ModelCard(null, "fomaml", "sgd", 1, 0.1, new double[0], null, null, 1, 1,
        1, 2, null, null, null, null, null, null).toJson());
    assertNull(older.hessianProduct());
    assertNull(older.learner(), "a card from before the learner was recorded");
  }

  /** A Gaussian policy's log standard deviations come back after the network's parameters, with its environments. */
  @Test
  void aPolicysSectionReadsBackAndItsLogStandardDeviationsAreMetaParameters() {
    PolicyCard policy = new PolicyCard(PolicyCard.GAUSSIAN, new double[] {-0.25, 0.125}, "navigation-2d(...)",
        Map.of("tasks.family", "navigation-2d", "tasks.rl.discount", 0.99), null);
    ModelCard card = new ModelCard(null, "maml-rl", "sgd", 1, 0.1, new double[0], "exact", "navigation-2d(...)", 3, 2,
        42, 2, null, null, null, null, null, policy);
    ModelCard read = ModelCard.fromJson(card.toJson());
    assertArrayEquals(new double[] {5, 6, -0.25, 0.125}, read.meta(new double[] {5, 6}), 0.0);
    assertEquals(policy.settings(), read.policy().settings());
    assertEquals("navigation-2d(...)", read.policy().environment());
    assertNull(read.policy().adaptedTo());
    String noLogStd = card.toJson().replace("\"log_std\"", "\"other\"");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ModelCard.fromJson(noLogStd)).getMessage()
        .contains("a gaussian policy needs policy.log_std"));
  }

  /** The update network's size is not in the card: its weights' count says it, and a count no network has is named. */
  @Test
  void anUpdateNetworksCardRebuildsItsRuleFromTheWeightsCount() {
    ModelSpec network = MlpShorthand.parse("10-1").toSpec();
    ModelCard card = new ModelCard(null, "learned-optimizer", "update-network", 20, 0.1, new double[8 * 6 + 1], null,
        null, 1, 1, 1, 11, null, null, null, null, null, null);
    Adaptation adaptation = card.adaptation(network);
    assertEquals(new UpdateNetwork(8, 0.1, 0), adaptation.rule());
    assertEquals(20, adaptation.steps());
    IllegalArgumentException lr = assertThrows(IllegalArgumentException.class, () -> card.adaptation(network, 0.5));
    assertTrue(lr.getMessage().contains("inner_rule update-network takes the steps it learned to take"),
        lr.getMessage());
    ModelCard odd = new ModelCard(null, "learned-optimizer", "update-network", 20, 0.1, new double[50], null, null, 1,
        1, 1, 11, null, null, null, null, null, null);
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> odd.adaptation(network));
    assertTrue(error.getMessage().contains("50 values are no update network's weights"), error.getMessage());
  }

  @Test
  void whatIsNotACardOfOursIsNamed() {
    assertEquals("model.json has format 'metaspark-model/9'; this metaspark reads metaspark-model/1 and "
        + "metaspark-model/2", assertThrows(IllegalArgumentException.class,
            () -> ModelCard.fromJson("{\"format\": \"metaspark-model/9\"}")).getMessage());
    assertEquals("model.json has no inner_lr", assertThrows(IllegalArgumentException.class, () -> ModelCard.fromJson(
        "{\"format\": \"metaspark-model/2\", \"algorithm\": \"maml\", \"inner_steps\": 1, \"num_params\": 3}"))
        .getMessage());
    ModelCard unknownRule = ModelCard.fromJson("{\"format\": \"metaspark-model/2\", \"algorithm\": \"maml\","
        + " \"inner_rule\": \"lslr\", \"inner_steps\": 1, \"inner_lr\": 0.1, \"num_params\": 3}");
    ModelSpec threeParameters = MlpShorthand.parse("2-1").toSpec();
    assertTrue(assertThrows(IllegalArgumentException.class, () -> unknownRule.adaptation(threeParameters)).getMessage()
        .contains("unknown inner_rule 'lslr'"));
  }

  /** adapt on a model exported before the card, as its card says: 1 step at lr 0.01. */
  @Test
  void adaptTakesAModelExportedBeforeTheCard() throws Exception {
    StringBuilder support = new StringBuilder("x,y\n");
    for (int i = 0; i < 10; i++) {
      support.append(-4.5 + i).append(',').append(2 * Math.sin(-4.5 + i - 0.5)).append('\n');
    }
    Files.writeString(dir.resolve("support.csv"), support);
    String out = Console.out(() -> assertEquals(0, MetasparkCli.run("adapt", "--model", VERSION_ONE.toString(),
        "--support", dir.resolve("support.csv").toString(), "--output", dir.resolve("adapted").toString())));
    assertTrue(out.contains("adapted on 10 examples with 1 step(s) at lr 0.01"), out);
    assertTrue(Files.exists(dir.resolve("adapted/model.zip")));
  }
}
