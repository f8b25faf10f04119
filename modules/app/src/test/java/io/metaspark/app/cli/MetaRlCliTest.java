package io.metaspark.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.metaspark.app.testing.Console;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MAML-RL from the command line, as a user runs it: train on short navigation tasks, then the
 * returns table; with the TRPO outer step too, which a master too small for barrier mode refuses.
 * What a user does with the saved policy is in {@link SavedPolicyCliTest}.
 */
class MetaRlCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  private Path config() throws IOException {
    Path conf = dir.resolve("navigation.conf");
    Files.writeString(conf, String.join("\n",
        "run { dir = \"" + dir + "\", name = nav }",
        "spark { partitions = 2, conf { \"spark.ui.enabled\" = false } }",
        "tasks { family = navigation-2d, support = 3, query = 3, navigation-2d.horizon = 10 }",
        "model { mlp = \"2-8-2\", data-type = double }",
        "algorithm { name = maml-rl, inner-lr = 0.1 }",
        "outer { lr = 0.01 }",
        "train { iterations = 3, meta-batch = 2, log-every = 1 }",
        "evaluate { tasks = 5, steps = [0, 1, 2, 3], trajectories = 4 }"));
    return conf;
  }

  @Test
  void trainEndsWithTheAverageReturnAfterZeroToThreeSteps() throws IOException {
    Path conf = config();
    String out = Console.out(() ->
        assertEquals(0, MetasparkCli.run("train", "--config", conf.toString(), "--master", "local[2]")));
    assertTrue(out.contains("metaspark train: maml-rl, 1 inner step(s) at lr 0.1; navigation-2d"), out);
    assertTrue(out.contains("evaluation: 5 fresh tasks (seed 7), 4 trajectories per step"), out);
    assertTrue(out.contains("evaluate it again with: bin/metaspark evaluate --model " + dir.resolve("nav/final")
        + " --config " + conf), out);

    Path run = dir.resolve("nav");
    JsonNode evaluation = JSON.readTree(run.resolve("evaluation.json").toFile());
    assertFalse(evaluation.has("baselines"), "bandit strategies on navigation: " + evaluation);
    JsonNode rows = evaluation.get("returns");
    assertEquals(4, rows.size(), rows.toString());
    for (int i = 0; i < 4; i++) {
      JsonNode row = rows.get(i);
      assertEquals(i, row.get("steps").asInt());
      // 10 steps of minus a distance no larger than the goal's plus 10 moves of 0.1 per axis
      double average = row.get("average_return").asDouble();
      assertTrue(average < 0 && average > -10 * 2.2, row.toString());
      assertTrue(row.get("ci95").asDouble() > 0, row.toString());
    }
    JsonNode card = JSON.readTree(run.resolve("final/model.json").toFile());
    assertEquals("maml-rl", card.get("algorithm").asText());
  }

  /** validate.every: the average return on held-out environments, logged and drawn as the evaluation's. */
  @Test
  void validationDuringTrainingLogsTheAverageReturnOnHeldOutEnvironments() throws IOException {
    Path conf = config();
    String out = Console.out(() -> assertEquals(0, MetasparkCli.run("train", "--config", conf.toString(), "--master",
        "local[2]", "--set", "validate.every=2", "--set", "validate.tasks=3", "--set", "evaluate.after-train=false",
        "--set", "run.name=nav-validated")));
    assertTrue(out.contains("after 2 iterations, validation average return (3 tasks): 0 steps"), out);
    Path run = dir.resolve("nav-validated");
    List<JsonNode> validations = new ArrayList<>();
    for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
      JsonNode record = JSON.readTree(line);
      if (record.has("validation")) {
        validations.add(record);
      }
    }
    assertEquals(1, validations.size(), validations.toString());
    assertEquals(2, validations.get(0).get("iteration").asInt());
    JsonNode validation = validations.get(0).get("validation");
    assertEquals(8, validation.get("seed").asInt());
    assertEquals(4, validation.get("trajectories_per_step").asInt());
    JsonNode rows = validation.get("returns");
    assertEquals(4, rows.size(), rows.toString());
    for (JsonNode row : rows) {
      double average = row.get("average_return").asDouble();
      assertTrue(average < 0 && average > -10 * 2.2, row.toString());
      assertTrue(out.contains(String.format(Locale.ROOT, "%d step%s %.2f +- %.2f", row.get("steps").asInt(),
          row.get("steps").asInt() == 1 ? "" : "s", average, row.get("ci95").asDouble())), out);
    }
    Console.out(() -> assertEquals(0, MetasparkCli.run("report", "--run", run.toString())));
    assertTrue(Files.size(run.resolve("report.png")) > 0);
  }

  /** On bandits the same evaluation plays UCB1 and Thompson sampling on the same bandits, beside the policy. */
  @Test
  void aBanditEvaluationPutsTheClassicalStrategiesBesideThePolicy() throws IOException {
    Path conf = dir.resolve("bandit.conf");
    Files.writeString(conf, String.join("\n",
        "run { dir = \"" + dir + "\", name = bandit }",
        "spark { partitions = 2, conf { \"spark.ui.enabled\" = false } }",
        "tasks { family = bandit, support = 3, query = 3, rl.discount = 1.0, bandit { arms = 3, pulls = 10 } }",
        "model { mlp = \"1-4-3\", activation = tanh, data-type = double }",
        "algorithm { name = maml-rl, inner-lr = 0.5 }",
        "outer { lr = 0.01 }",
        "train { iterations = 2, meta-batch = 2, log-every = 1 }",
        "evaluate { tasks = 6, steps = [0, 1], trajectories = 4 }"));
    String out = Console.out(() ->
        assertEquals(0, MetasparkCli.run("train", "--config", conf.toString(), "--master", "local[2]")));
    assertTrue(out.contains("the same 6 bandits, 4 episodes each:"), out);
    JsonNode evaluation = JSON.readTree(dir.resolve("bandit/evaluation.json").toFile());
    JsonNode baselines = evaluation.get("baselines");
    assertEquals(3, baselines.size(), evaluation.toString());
    assertEquals("ucb1(c=1.0)", baselines.get(0).get("strategy").asText());
    assertEquals("ucb1(c=0.2)", baselines.get(1).get("strategy").asText());
    assertEquals("thompson", baselines.get(2).get("strategy").asText());
    for (JsonNode row : baselines) {
      double average = row.get("average_return").asDouble();
      // 10 pulls of a reward of 0 or 1
      assertTrue(average > 0 && average < 10, row.toString());
      assertTrue(out.contains(row.get("strategy").asText()), out);
    }
  }

  @Test
  void trpoTrainsInBarrierModeAndAMasterThatWouldNeedJobsModeIsABadConfig() throws IOException {
    Path conf = config();
    String out = Console.out(() -> assertEquals(0, MetasparkCli.run("train", "--config", conf.toString(), "--master",
        "local[2]", "--set", "outer.optimizer=trpo", "--set", "evaluate.after-train=false")));
    assertTrue(out.contains("outer trpo (max KL 0.01, 10 CG iterations"), out);
    assertTrue(out.contains("mode barrier (auto: all 2 partitions run at once"), out);
    // each logged iteration says what TRPO's line search did, in the log and in metrics.jsonl
    assertTrue(out.contains("line search: step taken at trial ") || out.contains("line search: step rejected"), out);
    assertTrue(out.contains("(bound 0.01), surrogate "), out);
    List<String> records = Files.readAllLines(dir.resolve("nav").resolve("metrics.jsonl"));
    assertEquals(3, records.stream().filter(r -> r.contains("\"line_search\":{\"accepted\":")).count(), records.toString());

    String err = Console.err(() -> assertEquals(2, MetasparkCli.run("train", "--config", conf.toString(), "--master",
        "local[1]", "--set", "outer.optimizer=trpo", "--set", "run.name=nav-one-slot")));
    assertTrue(err.contains("runs in barrier mode only") && err.contains("set spark.mode = barrier"), err);
  }

  @Test
  void reptileRlTrainsAndEvaluatesLikeMamlRlAndTrpoIsABadConfigForIt() throws IOException {
    Path conf = config();
    String out = Console.out(() -> assertEquals(0, MetasparkCli.run("train", "--config", conf.toString(), "--master",
        "local[2]", "--set", "algorithm.name=reptile-rl", "--set", "algorithm.inner-steps=2",
        "--set", "run.name=nav-reptile")));
    assertTrue(out.contains("metaspark train: reptile-rl, 2 inner step(s) at lr 0.1; navigation-2d"), out);
    assertTrue(out.contains("evaluation: 5 fresh tasks (seed 7), 4 trajectories per step"), out);
    JsonNode evaluation = JSON.readTree(dir.resolve("nav-reptile").resolve("evaluation.json").toFile());
    assertEquals(4, evaluation.get("returns").size(), evaluation.toString());
    JsonNode card = JSON.readTree(dir.resolve("nav-reptile").resolve("final").resolve("model.json").toFile());
    assertEquals("reptile-rl", card.get("algorithm").asText());
    // its export is a saved policy like MAML-RL's: evaluate reproduces train's evaluation
    Path saved = dir.resolve("nav-reptile").resolve("final");
    Console.out(() -> assertEquals(0, MetasparkCli.run("evaluate", "--model", saved.toString(), "--config",
        conf.toString(), "--master", "local[1]")));
    assertEquals(evaluation.get("returns"), JSON.readTree(saved.resolve("evaluation.json").toFile()).get("returns"));

    String err = Console.err(() -> assertEquals(2, MetasparkCli.run("train", "--config", conf.toString(), "--master",
        "local[2]", "--set", "algorithm.name=reptile-rl", "--set", "outer.optimizer=trpo",
        "--set", "run.name=nav-reptile-trpo")));
    assertTrue(err.contains("outer.optimizer = trpo") && err.contains("reptile-rl is not one"), err);
  }
}
