package com.example.metaspark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.metaspark.app.cli.MetasparkCli;
import io.metaspark.app.testing.Console;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/EXTENDING.md's promise: an algorithm is one class and its registration, and so is a task
 * family. The example's classes (this package, outside metaspark's own) use only the public API;
 * here they train and evaluate through the real command line and config, and the page quotes them.
 */
class ExtendingTest {
  private static final Path SOURCES = Path.of("src/test/java/com/example/metaspark");
  private static final Path PAGE = Path.of("../../docs/EXTENDING.md");
  private static final String CONFIG = """
      tasks { family = line, support = 5, query = 10, line.slope = [-1, 1] }
      algorithm { name = pretrain, inner-lr = 0.02 }
      model { mlp = "1-20-1", data-type = double, init = fan-in-uniform }
      train { iterations = 40, meta-batch = 10, log-every = 10 }
      outer.lr = 0.01
      evaluate { tasks = 20, steps = [0, 5] }
      """;

  @TempDir
  Path dir;

  @BeforeEach
  void writeConfig() throws IOException {
    Files.writeString(dir.resolve("line.conf"), CONFIG);
  }

  private String[] train(String name, String... extra) {
    List<String> args = new ArrayList<>(List.of("train", "--config", dir.resolve("line.conf").toString(),
        "--master", "local[2]", "--set", "run.dir=" + dir, "--set", "run.name=" + name));
    args.addAll(List.of(extra));
    return args.toArray(String[]::new);
  }

  @Test
  void aRegisteredAlgorithmTrainsOnARegisteredTaskFamilyThroughTheCommandLine() throws IOException {
    String out = Console.out(() -> assertEquals(0, MetasparkCli.run(ExtendedMetaspark.registries(), train("line"))));
    assertTrue(out.contains("metaspark train: pretrain") && out.contains("lines (K=5, Q=10, slope [-1.0, 1.0]"), out);

    Path run = dir.resolve("line");
    ObjectMapper json = new ObjectMapper();
    JsonNode card = json.readTree(run.resolve("final/model.json").toFile());
    assertEquals("pretrain", card.get("algorithm").asText());
    assertTrue(card.get("task_family").asText().startsWith("lines"), card.get("task_family").asText());
    // the key the family declares is in the run's config with its declared default
    assertTrue(Files.readString(run.resolve("config.conf")).contains("intercept"), "tasks.line.intercept");
    List<JsonNode> logged = Files.readAllLines(run.resolve("metrics.jsonl")).stream().map(l -> read(json, l)).toList();
    double first = logged.get(0).get("query_loss_before").asDouble();
    double last = logged.get(logged.size() - 1).get("query_loss_before").asDouble();
    assertTrue(last < first, "pretraining lowered the query loss: " + first + " -> " + last);
  }

  @Test
  void anExtensionsKeysAreCheckedAndNamedAsTheBuiltInOnesAre() {
    String err = Console.err(() -> assertEquals(2,
        MetasparkCli.run(ExtendedMetaspark.registries(), train("bad", "--set", "tasks.line.slope=[2, -2]"))));
    assertTrue(err.contains("tasks.line.slope must be [low, high] with low <= high, got [2.0, -2.0]"), err);
    err = Console.err(() -> assertEquals(2,
        MetasparkCli.run(ExtendedMetaspark.registries(), train("typo", "--set", "tasks.line.slop=[0, 1]"))));
    assertTrue(err.contains("unknown config key 'tasks.line.slop' given with --set (did you mean 'tasks.line.slope'?)"),
        err);
    // without the registration, neither the keys nor the names exist
    err = Console.err(() -> assertEquals(2, MetasparkCli.run(train("unregistered"))));
    assertTrue(err.contains("unknown config key 'tasks.line.slope'"), err);
    err = Console.err(() -> assertEquals(2, MetasparkCli.run("train", "--set", "algorithm.name=pretrain")));
    assertTrue(err.contains("algorithm.name must be one of maml, fomaml, reptile, protonet, meta-sgd, maml-plus-plus,"
        + " anil, learned-optimizer, maml-rl, fomaml-rl, reptile-rl, got 'pretrain'"), err);
  }

  /** Every Java block of docs/EXTENDING.md stands, line for line, in one of this package's sources. */
  @Test
  void thePageQuotesTheExampleSources() throws IOException {
    List<String> sources = new ArrayList<>();
    try (var files = Files.list(SOURCES)) {
      // the files of this package, not of the packages below it (personalize/, the Spark API's example)
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        sources.add(Files.readString(file));
      }
    }
    Matcher block = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(PAGE));
    int blocks = 0;
    while (block.find()) {
      String code = block.group(1);
      assertTrue(sources.stream().anyMatch(s -> s.contains(code)), "not in the example's sources:\n" + code);
      blocks++;
    }
    assertTrue(blocks >= 3, "the page shows the algorithm, the task family and their registration");
  }

  private static JsonNode read(ObjectMapper json, String line) {
    try {
      return json.readTree(line);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
