package io.metaspark.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.metaspark.app.adapt.ModelCard;
import io.metaspark.app.testing.Console;
import io.metaspark.core.model.BatchNormParameters;
import io.metaspark.core.model.ParameterLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MAML++ with per-step batch-norm weights and biases through the real command line, on the glyph
 * fixture's conv4: the same bits on local[1] and local[2] across a stop and resume, the sets
 * exported in model.json, evaluate and adapt adapting with them as training did, and the configs
 * where the option cannot apply refused.
 */
class MamlPlusPlusBatchNormCliTest {
  private static final String GLYPHS = "../../src-test-data/glyphs/";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  /** 3-way 1-shot (Q = 2), a 4-filter conv4 with batch norm in double, MAML++ with 2 inner steps and per-step batch norm. */
  private Path config() throws IOException {
    Path conf = dir.resolve("glyphs.conf");
    Files.writeString(conf, String.join("\n",
        "run { dir = \"" + dir + "\" }",
        "spark { partitions = 2, conf { \"spark.ui.enabled\" = false } }",
        "tasks { family = images, support = 1, query = 2, images {",
        "  locations = [\"" + GLYPHS + "images_background\", \"" + GLYPHS + "images_evaluation\"]",
        "  split = alphabets, validation-characters = 1, ways = 3 } }",
        // in double, so that model.zip holds the meta-parameters unrounded and evaluate must match to the bit
        "model { preset = conv4, data-type = double, conv4 { filters = 4, downsample = stride, batch-norm = true } }",
        "algorithm { name = maml-plus-plus, inner-steps = 2, inner-lr = 0.4,",
        "  maml-plus-plus { per-step-batch-norm = true, multi-step-loss-iterations = 4 } }",
        "train { iterations = 8, meta-batch = 4, log-every = 4 }",
        "checkpoint { every = 2 }",
        "validate { every = 0 }",
        "evaluate { tasks = 12, steps = [0, 1, 2, 3] }"));
    return conf;
  }

  private int train(Path conf, String name, String master, String... settings) {
    List<String> args = new ArrayList<>(List.of("train", "--config", conf.toString(), "--master", master,
        "--set", "run.name=" + name));
    for (String setting : settings) {
      args.add("--set");
      args.add(setting);
    }
    return MetasparkCli.run(args.toArray(String[]::new));
  }

  private static double[] params(Path modelZip) throws IOException {
    return ModelSerializer.restoreMultiLayerNetwork(modelZip.toFile()).params().toDoubleVector();
  }

  private ModelCard card(String name) throws IOException {
    return ModelCard.fromJson(Files.readString(dir.resolve(name + "/final/model.json")));
  }

  @Test
  void trainsTheSameBitsOnOneAndTwoThreadsAcrossAResumeAndEvaluateAndAdaptUseTheSets() throws IOException {
    Path conf = config();
    assertEquals(0, train(conf, "straight", "local[1]"));
    assertEquals(0, train(conf, "resumed", "local[2]", "train.iterations=4", "evaluate.after-train=false"));
    assertEquals(0, train(conf, "resumed", "local[2]"));
    Path model = dir.resolve("straight/final");
    double[] theta = params(model.resolve("model.zip"));
    assertArrayEquals(theta, params(dir.resolve("resumed/final/model.zip")), 0.0);
    ModelCard card = card("straight");
    assertArrayEquals(card.learnedAdaptation(), card("resumed").learnedAdaptation(), 0.0);

    MultiLayerNetwork network = ModelSerializer.restoreMultiLayerNetwork(model.resolve("model.zip").toFile());
    int[] affine = BatchNormParameters.affine(network);
    int rates = 2 * ParameterLayout.of(network.getLayerWiseConfigurations()).layers();
    assertEquals("per-layer-per-step+per-step-batch-norm", card.innerRule());
    assertEquals(rates + affine.length, card.learnedAdaptation().length, "the rates, then step 1's gamma and beta");
    for (int p = 0; p < affine.length; p++) {
      double stepOne = card.learnedAdaptation()[rates + p];
      assertTrue(stepOne != theta[affine[p]], "step 1's set was learned apart from step 0's: " + affine[p]);
    }

    assertEquals(0, MetasparkCli.run("evaluate", "--model", model.toString(), "--config", conf.toString(),
        "--master", "local[2]"));
    JsonNode trained = JSON.readTree(dir.resolve("straight/evaluation.json").toFile()).get("results");
    JsonNode evaluated = JSON.readTree(model.resolve("evaluation.json").toFile()).get("results");
    assertEquals(4, evaluated.size());
    for (int i = 0; i < 4; i++) {
      assertEquals(trained.get(i).get("query_loss").asDouble(), evaluated.get(i).get("query_loss").asDouble(), 0.0);
      assertEquals(trained.get(i).get("query_accuracy").asDouble(), evaluated.get(i).get("query_accuracy").asDouble(),
          0.0);
    }

    Path support = supportFolders();
    Path adapted = dir.resolve("adapted");
    assertEquals(0, MetasparkCli.run("adapt", "--model", model.toString(), "--support-images", support.toString(),
        "--steps", "3", "--output", adapted.toString()));
    double[] after = params(adapted.resolve("model.zip"));
    for (int p = 0; p < affine.length; p++) {
      assertEquals(card.learnedAdaptation()[rates + p], after[affine[p]], 0.0,
          "adapted past training's 2 steps, the network holds the last step's set");
    }
    assertTrue(after[0] != theta[0], "the convolutions adapted");
  }

  /** 3 class folders of 2 drawings each from the fixture's evaluation alphabet. */
  private Path supportFolders() throws IOException {
    Path alphabet = Path.of(GLYPHS, "images_evaluation").toAbsolutePath().normalize();
    Path first;
    try (var listing = Files.list(alphabet)) {
      first = listing.sorted().findFirst().orElseThrow();
    }
    List<Path> characters;
    try (var listing = Files.list(first)) {
      characters = listing.sorted().limit(3).toList();
    }
    Path support = Files.createDirectories(dir.resolve("new-task"));
    for (Path character : characters) {
      Path classDir = Files.createDirectories(support.resolve("class-" + character.getFileName()));
      try (var listing = Files.list(character)) {
        for (Path drawing : listing.sorted().limit(2).toList()) {
          Files.copy(drawing, classDir.resolve(drawing.getFileName()));
        }
      }
    }
    return support;
  }

  @Test
  void theOptionIsRefusedWithoutBatchNormAndWithAnotherAlgorithm() throws IOException {
    Path conf = config();
    String noBatchNorm = Console.err(() -> assertEquals(2, train(conf, "plain", "local[1]",
        "model.conv4.batch-norm=false")));
    assertTrue(noBatchNorm.contains("per-step batch-norm weights and biases need a network with batch norm"),
        noBatchNorm);
    String maml = Console.err(() -> assertEquals(2, train(conf, "maml", "local[1]", "algorithm.name=maml")));
    assertTrue(maml.contains("algorithm.maml-plus-plus.per-step-batch-norm applies only where algorithm.name ="
        + " maml-plus-plus; this config selects algorithm.name = maml"), maml);
  }
}
