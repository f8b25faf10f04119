package io.metaspark.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.metaspark.app.testing.Console;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Few-shot image classification from the command line, on the project's glyph fixture. */
class ImageCliTest {
  private static final String GLYPHS = "../../src-test-data/glyphs/";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  /** 3-way 1-shot (Q = 2) on the fixture's alphabets, a 4-filter conv4, first-order MAML. */
  private Path config() throws IOException {
    Path conf = dir.resolve("glyphs.conf");
    Files.writeString(conf, String.join("\n",
        "run { dir = \"" + dir + "\", name = glyphs }",
        "spark { partitions = 2, conf { \"spark.ui.enabled\" = false } }",
        "tasks { family = images, support = 1, query = 2, images {",
        "  locations = [\"" + GLYPHS + "images_background\", \"" + GLYPHS + "images_evaluation\"]",
        "  split = alphabets, validation-characters = 1, ways = 3 } }",
        "model { preset = conv4, conv4 { filters = 4, downsample = stride } }",
        "algorithm { name = fomaml, inner-steps = 1, inner-lr = 0.4 }",
        "train { iterations = 10, meta-batch = 4, log-every = 5 }",
        "validate { every = 5, tasks = 6 }",
        "evaluate { tasks = 12, steps = [0, 1, 3] }"));
    return conf;
  }

  @Test
  void trainReportsQueryAccuracyWithConfidenceIntervals() throws IOException {
    Path conf = config();
    String out = Console.out(() ->
        assertEquals(0, MetasparkCli.run("train", "--config", conf.toString(), "--master", "local[2]")));
    assertTrue(out.contains("accuracy") && out.contains("F1"), out);
    // first-order MAML on a strided conv4: auto takes the float route, says so, and the card records it for adapt
    assertTrue(out.contains("learner conv-onednn-float)"), out);

    Path run = dir.resolve("glyphs");
    assertEquals("conv-onednn-float", JSON.readTree(run.resolve("final/model.json").toFile()).get("learner").asText());
    JsonNode evaluation = JSON.readTree(run.resolve("evaluation.json").toFile());
    assertEquals(12, evaluation.get("tasks").asInt());
    assertEquals(3, evaluation.get("results").size());
    for (JsonNode row : evaluation.get("results")) {
      assertAccuracyWithInterval(row);
    }

    List<JsonNode> validations = Files.readAllLines(run.resolve("metrics.jsonl")).stream()
        .map(ImageCliTest::json).filter(r -> r.has("validation")).toList();
    assertEquals(List.of(5, 10), validations.stream().map(r -> r.get("iteration").asInt()).toList());
    for (JsonNode v : validations) {
      for (JsonNode row : v.get("validation").get("results")) {
        assertAccuracyWithInterval(row);
      }
    }

    // the exported conv net evaluated again on the same test tasks gives the same accuracies, and the
    // joint baseline (trained with dl4j-spark over the 32 training classes: 8 characters x 4 turns)
    // is measured beside it
    String evaluated = Console.out(() -> assertEquals(0, MetasparkCli.run("evaluate", "--model",
        run.resolve("final").toString(), "--config", conf.toString(), "--master", "local[2]",
        "--set", "evaluate.baselines=[joint]", "--set", "evaluate.joint.tasks=60", "--set", "evaluate.joint.epochs=5",
        "--set", "evaluate.joint.batch-size=18", "--set", "evaluate.joint.averaging-frequency=5",
        "--set", "evaluate.joint.lr=0.01")));
    JsonNode again = JSON.readTree(run.resolve("final/evaluation.json").toFile());
    for (int i = 0; i < 3; i++) {
      assertEquals(evaluation.get("results").get(i).get("query_accuracy").asDouble(),
          again.get("results").get(i).get("query_accuracy").asDouble(), 0);
    }
    assertTrue(evaluated.lines().anyMatch(l -> l.trim().startsWith("joint ")), evaluated);
    JsonNode joint = again.get("baselines").get("joint");
    assertEquals(32, joint.get("outputs").asInt());
    assertEquals(60 * 9, joint.get("pooled_examples").asInt());
    assertTrue(joint.get("pooled_loss_after").asDouble() < joint.get("pooled_loss_before").asDouble(), joint.toString());
    for (JsonNode row : joint.get("results")) {
      assertAccuracyWithInterval(row);
    }
    // its body learned features that separate unseen glyphs: after 3 steps it is above chance (1/3)
    JsonNode threeSteps = joint.get("results").get(2);
    assertTrue(threeSteps.get("query_accuracy").asDouble() - threeSteps.get("accuracy_ci95_half_width").asDouble()
        > 1.0 / 3, threeSteps.toString());

    assertEquals(0, MetasparkCli.run("report", "--run", run.toString()));
    String html = Files.readString(run.resolve("report.html"));
    assertTrue(html.contains("<th>query accuracy</th>") && html.contains("<th>macro F1</th>"), html);

    adaptToClassFoldersAndClassifyLooseImages(run.resolve("final"));
  }

  /** A user's new 3-way task: a folder per class (2 drawings each), and 3 other drawings to classify. */
  private void adaptToClassFoldersAndClassifyLooseImages(Path model) throws IOException {
    Path alphabet = Path.of(GLYPHS, "images_evaluation").toAbsolutePath().normalize();
    List<Path> characters;
    try (var listing = Files.list(alphabet.resolve(firstChild(alphabet)))) {
      characters = listing.sorted().limit(3).toList();
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
        "--support-images", support.toString(), "--predict-images", loose.toString(), "--steps", "3",
        "--output", adapted.toString())));
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("support loss ([0-9.]+) -> ([0-9.]+)").matcher(out);
    assertTrue(m.find(), out);
    assertTrue(Double.parseDouble(m.group(2)) < Double.parseDouble(m.group(1)), out);
    assertTrue(Files.isRegularFile(adapted.resolve("model.zip")));
    List<String> rows = Files.readAllLines(adapted.resolve("predictions.csv"));
    assertEquals("file,class,probability", rows.get(0));
    assertEquals(4, rows.size(), rows.toString());
    for (String row : rows.subList(1, 4)) {
      String[] cells = row.split(",");
      assertTrue(cells[1].startsWith("class-character"), row);
      double p = Double.parseDouble(cells[2]);
      assertTrue(p > 0 && p <= 1, row);
    }

    // a task whose class count does not match the model's outputs is bad data, named
    Files.walk(support.resolve("class-" + characters.get(2).getFileName())).sorted(java.util.Comparator.reverseOrder())
        .forEach(p -> p.toFile().delete());
    String err = Console.err(() -> assertEquals(3, MetasparkCli.run("adapt", "--model", model.toString(),
        "--support-images", support.toString(), "--output", adapted.toString())));
    assertTrue(err.contains("has 2 class folders, but the model tells 3 classes apart"), err);
  }

  private static String firstChild(Path dir) throws IOException {
    try (var listing = Files.list(dir)) {
      return listing.map(p -> p.getFileName().toString()).sorted().findFirst().orElseThrow();
    }
  }

  @Test
  void badImageSettingsExitWithCodeTwoNamingTheKeyOrPath() throws IOException {
    Path conf = config();
    String missing = Console.err(() -> assertEquals(2, MetasparkCli.run("train", "--config", conf.toString(),
        "--set", "tasks.images.locations=[\"" + dir.resolve("no-such.zip") + "\"]")));
    assertTrue(missing.contains("tasks.images.locations") && missing.contains("no-such.zip"), missing);
    String oneWay = Console.err(() -> assertEquals(2, MetasparkCli.run("train", "--config", conf.toString(),
        "--set", "tasks.images.ways=1")));
    assertTrue(oneWay.contains("tasks.images.ways must be >= 2, got 1"), oneWay);
  }

  /** Found by one check on an executor before the first iteration, not by a failing training task. */
  @Test
  void dataThatCannotGiveTheTasksExitsWithCodeThreeBeforeTraining() throws IOException {
    Path conf = config();
    String standard = Console.err(() -> assertEquals(3, MetasparkCli.run("train", "--config", conf.toString(),
        "--set", "tasks.images.split=standard")));
    assertTrue(standard.contains("1200 training characters leave none for testing"), standard);
    String fewImages = Console.err(() -> assertEquals(3, MetasparkCli.run("train", "--config", conf.toString(),
        "--set", "tasks.query=40")));
    assertTrue(fewImages.contains("class images_background/") && fewImages.contains("fewer than K + Q = 1 + 40"),
        fewImages);
    String tooManyWays = Console.err(() -> assertEquals(3, MetasparkCli.run("train", "--config", conf.toString(),
        "--set", "tasks.images.ways=40")));
    assertTrue(tooManyWays.contains("40-way tasks need 40 classes"), tooManyWays);
    assertTrue(!Files.exists(dir.resolve("glyphs/checkpoints"))
        || Files.list(dir.resolve("glyphs/checkpoints")).findAny().isEmpty(), "no iteration ran");
  }

  private static void assertAccuracyWithInterval(JsonNode row) {
    double accuracy = row.get("query_accuracy").asDouble();
    double halfWidth = row.get("accuracy_ci95_half_width").asDouble();
    assertTrue(accuracy >= 0 && accuracy <= 1, row.toString());
    assertTrue(halfWidth >= 0 && Double.isFinite(halfWidth), row.toString());
    assertTrue(row.get("query_loss").isNumber(), row.toString());
    for (String macro : List.of("macro_precision", "macro_recall", "macro_f1")) {
      double value = row.get(macro).asDouble();
      assertTrue(value >= 0 && value <= 1, row.toString());
    }
    // N-way episodes have Q query images per class, so the macro recall is the accuracy
    assertEquals(accuracy, row.get("macro_recall").asDouble(), 1e-12, row.toString());
    assertTrue(row.get("f1_ci95_half_width").asDouble() >= 0, row.toString());
  }

  private static JsonNode json(String line) {
    try {
      return JSON.readTree(line);
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + line, e);
    }
  }
}
