package io.metaspark.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.metaspark.app.testing.Console;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Prototypical Networks from the command line, as a user runs them: train, evaluate, adapt, on the glyph fixture. */
class ProtoNetCliTest {
  private static final String GLYPHS = "../../src-test-data/glyphs/";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  /** 3-way 1-shot test episodes (Q = 2), 6-way training episodes, a 4-filter conv4 embedding with pooling. */
  private Path config() throws IOException {
    Path conf = dir.resolve("protonet.conf");
    Files.writeString(conf, String.join("\n",
        "run { dir = \"" + dir + "\", name = proto }",
        "spark { partitions = 2, conf { \"spark.ui.enabled\" = false } }",
        "tasks { family = images, support = 1, query = 2, images {",
        "  locations = [\"" + GLYPHS + "images_background\", \"" + GLYPHS + "images_evaluation\"]",
        "  split = alphabets, validation-characters = 1, ways = 3, train-ways = 6 } }",
        "model { preset = conv4, conv4 { filters = 4, embedding = true } }",
        "algorithm { name = protonet }",
        "outer { lr = 0.01, schedule = step, step.every = 5 }",
        "train { iterations = 10, meta-batch = 2, log-every = 5 }",
        "validate { every = 5, tasks = 6 }",
        "evaluate { tasks = 12 }"));
    return conf;
  }

  @Test
  void trainEvaluateAndAdaptClassifyByPrototypes() throws IOException {
    Path conf = config();
    String out = Console.out(() ->
        assertEquals(0, MetasparkCli.run("train", "--config", conf.toString(), "--master", "local[2]")));
    assertTrue(out.contains("metaspark train: protonet, no inner steps, classes by class prototypes"), out);
    assertTrue(out.contains("6-way 1-shot episodes"), out);
    assertTrue(out.contains("classes by prototypes, no inner steps"), out);

    Path run = dir.resolve("proto");
    JsonNode evaluation = JSON.readTree(run.resolve("evaluation.json").toFile());
    JsonNode rows = evaluation.get("results");
    assertEquals(1, rows.size(), "prototypes take no steps: one row");
    double accuracy = rows.get(0).get("query_accuracy").asDouble();
    assertTrue(accuracy >= 0 && accuracy <= 1 && rows.get(0).get("accuracy_ci95_half_width").asDouble() >= 0,
        rows.toString());
    assertTrue(rows.get(0).has("macro_f1"), rows.toString());
    JsonNode card = JSON.readTree(run.resolve("final/model.json").toFile());
    assertEquals("protonet", card.get("algorithm").asText());
    assertEquals("prototypes", card.get("inner_rule").asText());
    long validations = Files.readAllLines(run.resolve("metrics.jsonl")).stream().filter(l -> l.contains("\"validation\""))
        .count();
    assertEquals(2, validations);

    // evaluate reads the card back and classifies the same test episodes the same way
    Console.out(() -> assertEquals(0, MetasparkCli.run("evaluate", "--model", run.resolve("final").toString(),
        "--config", conf.toString(), "--master", "local[2]")));
    JsonNode again = JSON.readTree(run.resolve("final/evaluation.json").toFile());
    assertEquals(accuracy, again.get("results").get(0).get("query_accuracy").asDouble(), 0);

    adaptWritesTheEmbeddingNetworkAndPrototypes(run.resolve("final"));
  }

  /** A user's new 2-way task (2 drawings per class folder) and 2 loose drawings to classify. */
  private void adaptWritesTheEmbeddingNetworkAndPrototypes(Path model) throws IOException {
    Path alphabet = Path.of(GLYPHS, "images_evaluation").toAbsolutePath().normalize();
    List<Path> characters;
    try (var listing = Files.list(alphabet)) {
      Path first = listing.sorted().findFirst().orElseThrow();
      try (var chars = Files.list(first)) {
        characters = chars.sorted().limit(2).toList();
      }
    }
    Path support = Files.createDirectories(dir.resolve("new-task"));
    Path loose = Files.createDirectories(dir.resolve("to-classify"));
    for (Path character : characters) {
      Path classDir = Files.createDirectories(support.resolve("class-" + character.getFileName()));
      List<Path> drawings;
      try (var listing = Files.list(character)) {
        drawings = listing.sorted().toList();
      }
      Files.copy(drawings.get(0), classDir.resolve(drawings.get(0).getFileName()));
      Files.copy(drawings.get(1), classDir.resolve(drawings.get(1).getFileName()));
      Files.copy(drawings.get(2), loose.resolve(drawings.get(2).getFileName()));
    }
    Path adapted = dir.resolve("adapted");
    String out = Console.out(() -> assertEquals(0, MetasparkCli.run("adapt", "--model", model.toString(),
        "--support-images", support.toString(), "--predict-images", loose.toString(),
        "--output", adapted.toString())));
    assertTrue(out.contains("prototypes of 2 classes from 4 support images (4-value embeddings)"), out);
    assertTrue(Files.isRegularFile(adapted.resolve("model.zip")));
    List<String> prototypes = Files.readAllLines(adapted.resolve("prototypes.csv"));
    assertEquals("class,e0,e1,e2,e3", prototypes.get(0));
    assertEquals(3, prototypes.size(), prototypes.toString());
    assertTrue(prototypes.get(1).startsWith("class-" + characters.get(0).getFileName() + ","), prototypes.toString());
    List<String> predictions = Files.readAllLines(adapted.resolve("predictions.csv"));
    assertEquals("file,class,probability", predictions.get(0));
    assertEquals(3, predictions.size(), predictions.toString());
    for (String row : predictions.subList(1, 3)) {
      String[] cells = row.split(",");
      assertTrue(cells[1].startsWith("class-"), row);
      double p = Double.parseDouble(cells[2]);
      assertTrue(p >= 0.5 && p <= 1, row);
    }

    String steps = Console.err(() -> assertEquals(2, MetasparkCli.run("adapt", "--model", model.toString(),
        "--support-images", support.toString(), "--steps", "3", "--output", adapted.toString())));
    assertTrue(steps.contains("--steps and --lr do not apply") && steps.contains("prototypes"), steps);
  }

  @Test
  void settingsThatCannotWorkExitWithCodeTwoSayingWhy() throws IOException {
    Path conf = config();
    String softmax = Console.err(() -> assertEquals(2, MetasparkCli.run("train", "--config", conf.toString(),
        "--set", "model.conv4.embedding=false")));
    assertTrue(softmax.contains("set model.conv4.embedding = true"), softmax);
    String wideTraining = Console.err(() -> assertEquals(2, MetasparkCli.run("train", "--config", conf.toString(),
        "--set", "algorithm.name=fomaml", "--set", "model.conv4.embedding=false")));
    assertTrue(wideTraining.contains("tasks.images.train-ways = 6 differs from tasks.images.ways = 3"), wideTraining);
  }
}
