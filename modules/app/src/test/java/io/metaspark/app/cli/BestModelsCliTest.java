package io.metaspark.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.metaspark.app.adapt.SavedModel;
import io.metaspark.app.testing.Console;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * validate.keep-best and evaluate's ensembles, on the glyph fixture: the kept models are the best
 * validations' (by the metrics' own records), each the model of its iteration; a resumed run keeps the
 * same ones; and a directory of them evaluates as one ensemble.
 */
class BestModelsCliTest {
  private static final String GLYPHS = "../../src-test-data/glyphs/";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  /** 3-way 1-shot (Q = 2), a 4-filter conv4, first-order MAML with one inner step, validated every 2 iterations. */
  private Path config(String name, int iterations) throws IOException {
    Path conf = dir.resolve(name + ".conf");
    Files.writeString(conf, String.join("\n",
        "run { dir = \"" + dir + "\", name = " + name + " }",
        "spark { partitions = 2, conf { \"spark.ui.enabled\" = false } }",
        "tasks { family = images, support = 1, query = 2, images {",
        "  locations = [\"" + GLYPHS + "images_background\", \"" + GLYPHS + "images_evaluation\"]",
        "  split = alphabets, validation-characters = 2, ways = 3 } }",
        "model { preset = conv4, conv4 { filters = 4, downsample = stride } }",
        "algorithm { name = fomaml, inner-steps = 1, inner-lr = 0.4 }",
        "train { iterations = " + iterations + ", meta-batch = 4, log-every = 2 }",
        "checkpoint { every = 2 }",
        "validate { every = 2, tasks = 12, keep-best = 2 }",
        "evaluate { tasks = 12, steps = [0, 1, 3] }"));
    return conf;
  }

  private static void cli(String... args) {
    Console.out(() -> assertEquals(0, MetasparkCli.run(args)));
  }

  @Test
  void keepsTheBestValidationsModelsAcrossAResumeAndEvaluatesThemAsAnEnsemble() throws IOException {
    cli("train", "--config", config("whole", 10).toString(), "--master", "local[2]");
    Path whole = dir.resolve("whole");

    // the best two by accuracy after the algorithm's one inner step, ties to the later iteration
    List<long[]> ranked = new ArrayList<>();
    for (String line : Files.readAllLines(whole.resolve("metrics.jsonl"))) {
      JsonNode record = JSON.readTree(line);
      if (record.has("validation")) {
        double accuracy = record.get("validation").get("results").get(1).get("query_accuracy").asDouble();
        ranked.add(new long[] {record.get("iteration").asLong(), Math.round(accuracy * 1e9)});
      }
    }
    assertEquals(5, ranked.size());
    ranked.sort(Comparator.<long[]>comparingLong(r -> -r[1]).thenComparingLong(r -> -r[0]));
    List<String> expected = ranked.subList(0, 2).stream().map(r -> String.format("iteration-%012d", r[0])).sorted()
        .toList();
    assertEquals(expected, members(whole.resolve("best")));
    for (String member : expected) {
      JsonNode ranking = JSON.readTree(whole.resolve("best").resolve(member).resolve("validation.json").toFile());
      assertEquals("query_accuracy after 1 step", ranking.get("ranked_by").asText());
      assertEquals(Long.parseLong(member.substring("iteration-".length())),
          JSON.readTree(whole.resolve("best").resolve(member).resolve("model.json").toFile()).get("iterations")
              .asLong());
    }

    // a run trained only to the earlier kept iteration ends with that very model; resumed to the end
    // over a planted stale model (past its checkpoint) and a half-written one, it keeps the same two
    long earlier = Long.parseLong(expected.get(0).substring("iteration-".length()));
    cli("train", "--config", config("resumed", (int) earlier).toString(), "--master", "local[2]");
    Path resumed = dir.resolve("resumed");
    assertArrayEquals(meta(whole.resolve("best").resolve(expected.get(0))), meta(resumed.resolve("final")), 0);
    Path stale = Files.createDirectories(resumed.resolve("best").resolve(String.format("iteration-%012d",
        earlier + 1)));
    Files.writeString(stale.resolve("validation.json"), "{\"iteration\": " + (earlier + 1) + ", \"score\": 2.0}");
    Files.createDirectories(resumed.resolve("best").resolve("iteration-000000000001"));
    cli("train", "--config", config("resumed", 10).toString(), "--master", "local[2]", "--resume");
    assertEquals(expected, members(resumed.resolve("best")));
    for (String member : expected) {
      assertArrayEquals(meta(whole.resolve("best").resolve(member)), meta(resumed.resolve("best").resolve(member)),
          0);
    }

    // the two as one ensemble; and one model twice over is that model, adapted as it was trained
    String wholeConf = config("whole", 10).toString();
    String out = Console.out(() -> assertEquals(0, MetasparkCli.run("evaluate", "--model",
        whole.resolve("best").toString(), "--config", wholeConf, "--master", "local[2]")));
    assertTrue(out.contains("an ensemble of the 2 models"), out);
    JsonNode ensemble = JSON.readTree(whole.resolve("best/evaluation.json").toFile());
    assertEquals(expected, List.of(ensemble.get("ensemble").get(0).asText(), ensemble.get("ensemble").get(1).asText()));
    assertEquals(3, ensemble.get("results").size());
    Path twins = Files.createDirectories(dir.resolve("twins"));
    for (String name : List.of("a", "b")) {
      copy(whole.resolve("best").resolve(expected.get(1)), twins.resolve(name));
    }
    cli("evaluate", "--model", twins.toString(), "--config", wholeConf, "--master", "local[2]");
    cli("evaluate", "--model", twins.resolve("a").toString(), "--config", wholeConf, "--master", "local[2]");
    JsonNode pair = JSON.readTree(twins.resolve("evaluation.json").toFile()).get("results");
    JsonNode single = JSON.readTree(twins.resolve("a/evaluation.json").toFile()).get("results");
    boolean anyLearning = false;
    for (int i = 0; i < 3; i++) {
      assertEquals(single.get(i).get("query_accuracy").asDouble(), pair.get(i).get("query_accuracy").asDouble(), 0);
      // the network computes in float; the ensemble's cross-entropy is taken in double from its probabilities
      assertEquals(single.get(i).get("query_loss").asDouble(), pair.get(i).get("query_loss").asDouble(), 1e-5);
      anyLearning |= single.get(i).get("query_loss").asDouble() != single.get(0).get("query_loss").asDouble();
    }
    assertTrue(anyLearning, "adaptation should change the loss, or the steps were not taken");
  }

  @Test
  void anEnsembleIsOfOneNetworkAndOfClassifiers() throws IOException {
    cli("train", "--config", config("small", 2).toString(), "--master", "local[2]");
    Path mixed = Files.createDirectories(dir.resolve("mixed"));
    copy(dir.resolve("small/final"), mixed.resolve("a"));
    cli("train", "--config", config("small8", 2).toString(), "--master", "local[2]", "--set",
        "model.conv4.filters=8");
    copy(dir.resolve("small8/final"), mixed.resolve("b"));
    String smallConf = config("small", 2).toString();
    String err = Console.err(() -> assertEquals(2, MetasparkCli.run("evaluate", "--model", mixed.toString(),
        "--config", smallConf, "--master", "local[2]")));
    assertTrue(err.contains("is another network than"), err);
    Files.walk(mixed.resolve("b")).sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    err = Console.err(() -> assertEquals(2, MetasparkCli.run("evaluate", "--model", mixed.toString(),
        "--config", smallConf, "--master", "local[2]")));
    assertTrue(err.contains("holds 1 model; an ensemble needs at least two"), err);
    assertFalse(Files.exists(mixed.resolve("evaluation.json")));
  }

  private static List<String> members(Path best) throws IOException {
    try (Stream<Path> listing = Files.list(best)) {
      return listing.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static double[] meta(Path model) throws IOException {
    return SavedModel.read(model.toString(), new Configuration()).meta();
  }

  private static void copy(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      files.filter(Files::isRegularFile).forEach(f -> {
        try {
          Files.copy(f, to.resolve(f.getFileName()));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
