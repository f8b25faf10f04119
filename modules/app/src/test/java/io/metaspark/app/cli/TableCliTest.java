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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tasks from a table, from the command line, on the project's fixture (src-test-data/tables). */
class TableCliTest {
  private static final String TABLES = "../../src-test-data/tables/";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  /** conf/table-example.conf, shortened, on the fixture wherever the test runs. */
  private List<String> example(String... more) {
    List<String> args = new ArrayList<>(List.of("--config", "../../conf/table-example.conf",
        "--set", "run.dir=" + dir, "--set", "tasks.table.location=" + TABLES + "regression.parquet",
        "--set", "train.iterations=150", "--set", "train.log-every=50", "--set", "validate.every=150",
        "--set", "validate.tasks=20", "--set", "evaluate.tasks=60", "--master", "local[2]"));
    args.addAll(List.of(more));
    return args;
  }

  private static String[] command(String name, List<String> args) {
    List<String> all = new ArrayList<>(List.of(name));
    all.addAll(args);
    return all.toArray(new String[0]);
  }

  @Test
  void sitesBecomeTasksSmallOnesAreReportedAndAdaptationLowersTheError() throws IOException {
    String out = Console.out(() -> assertEquals(0, MetasparkCli.run(command("train", example()))));
    assertTrue(out.contains("table: 60 groups, 1730 rows"), out);
    assertTrue(out.contains("4 group(s) with fewer than K + Q = 15 rows left out (site-00, site-17, site-34, site-51)"),
        out);

    Path run = dir.resolve("table-example");
    JsonNode tasks = JSON.readTree(run.resolve("tasks.json").toFile());
    assertEquals(60, tasks.get("groups").asInt());
    assertEquals(4, tasks.get("too_small_groups").asInt());
    JsonNode parts = tasks.get("parts");
    assertEquals(56, parts.get("train").asInt() + parts.get("validation").asInt() + parts.get("test").asInt());
    assertTrue(parts.get("test").asInt() > 0 && parts.get("validation").asInt() > 0);
    assertTrue(Files.isRegularFile(run.resolve("task-store/index.bin")));

    // learning: on 60 test tasks (sites never trained on), 10 steps from the meta-learned start
    // leave well under half of the error before adaptation
    JsonNode results = JSON.readTree(run.resolve("evaluation.json").toFile()).get("results");
    double before = results.get(0).get("query_loss").asDouble();
    double tenSteps = results.get(2).get("query_loss").asDouble();
    assertTrue(tenSteps < 0.5 * before, "MSE " + before + " before adaptation, " + tenSteps + " after 10 steps");
    assertFalse(results.get(0).has("query_accuracy"), "regression reports no accuracy");

    // evaluate reuses the run's task store and gives the same numbers on the same test tasks
    String again = Console.out(() -> assertEquals(0,
        MetasparkCli.run(command("evaluate", example("--model", run.resolve("final").toString())))));
    assertTrue(again.contains("task store file:" + dir + "/table-example/task-store, reused"), again);
    JsonNode evaluated = JSON.readTree(run.resolve("final/evaluation.json").toFile()).get("results");
    for (int i = 0; i < 3; i++) {
      assertEquals(results.get(i).get("query_loss").asDouble(), evaluated.get(i).get("query_loss").asDouble(), 0);
    }
  }

  /** protonet on table tasks: an embedding network of dense layers (no output layer), the label column's classes. */
  @Test
  void prototypicalNetworksClassifyTableRowsByTheirLabels() throws IOException {
    Path network = dir.resolve("embedding.json");
    Files.writeString(network, new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder().seed(1)
        .dataType(org.nd4j.linalg.api.buffer.DataType.DOUBLE).list()
        .layer(new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder().nIn(2).nOut(16)
            .activation(org.nd4j.linalg.activations.Activation.RELU).build())
        .layer(new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder().nIn(16).nOut(8)
            .activation(org.nd4j.linalg.activations.Activation.IDENTITY).build())
        .build().toJson());
    String out = Console.out(() -> assertEquals(0, MetasparkCli.run(command("train", example(
        "--set", "run.name=proto-devices", "--set", "tasks.table.location=" + TABLES + "classification.parquet",
        "--set", "tasks.table.key-column=device", "--set", "tasks.table.feature-columns=[f1, f2]",
        "--set", "tasks.table.target-column=\"\"", "--set", "tasks.table.label-column=label",
        "--set", "model.json-file=" + network, "--set", "algorithm.name=protonet", "--set", "outer.lr=0.01",
        "--set", "train.iterations=30", "--set", "validate.every=0", "--set", "evaluate.tasks=40")))));
    assertTrue(out.contains("metaspark train: protonet"), out);
    JsonNode results = JSON.readTree(dir.resolve("proto-devices/evaluation.json").toFile()).get("results");
    assertEquals(1, results.size(), results.toString());
    // three well-separated classes (chance 1/3): a device's support rows' prototypes classify most queries
    assertTrue(results.get(0).get("query_accuracy").asDouble() > 0.6, results.toString());
  }

  @Test
  void labelsBecomeClassesAndEvaluateReportsAccuracy() throws IOException {
    String out = Console.out(() -> assertEquals(0, MetasparkCli.run(command("train", example(
        "--set", "run.name=devices", "--set", "tasks.table.location=" + TABLES + "classification.parquet",
        "--set", "tasks.table.key-column=device", "--set", "tasks.table.feature-columns=[f1, f2]",
        "--set", "tasks.table.target-column=\"\"", "--set", "tasks.table.label-column=label",
        "--set", "model.mlp=2-16-3", "--set", "model.output-activation=softmax", "--set", "model.loss=mcxent",
        "--set", "algorithm.name=fomaml", "--set", "algorithm.inner-lr=0.1", "--set", "train.iterations=30",
        "--set", "validate.every=0", "--set", "evaluate.tasks=40")))));
    assertTrue(out.contains("2 group(s) with fewer than K + Q = 15 rows left out (device-05, device-25)"), out);
    JsonNode results = JSON.readTree(dir.resolve("devices/evaluation.json").toFile()).get("results");
    for (JsonNode row : results) {
      double accuracy = row.get("query_accuracy").asDouble();
      assertTrue(accuracy >= 0 && accuracy <= 1 && row.get("accuracy_ci95_half_width").asDouble() > 0, row.toString());
    }
    // three well-separated classes (chance 1/3): adapted to a device's 5 rows, most queries are right
    assertTrue(results.get(2).get("query_accuracy").asDouble() > 0.6, results.toString());
    assertEquals(3, JSON.readTree(dir.resolve("devices/tasks.json").toFile()).get("classes").size());
  }

  @Test
  void aMissingTableOrColumnIsAConfigErrorAndANonNumericColumnBadDataNamedBeforeTraining() throws IOException {
    String missing = Console.err(() -> assertEquals(2, MetasparkCli.run(command("train",
        example("--set", "tasks.table.location=" + dir + "/no-such.parquet")))));
    assertTrue(missing.contains("tasks.table.location: " + dir + "/no-such.parquet does not exist"), missing);

    String column = Console.err(() -> assertEquals(2, MetasparkCli.run(command("train",
        example("--set", "tasks.table.feature-columns=[x1, x2, x4]")))));
    assertTrue(column.contains("feature column 'x4' is not in"), column);

    Path csv = dir.resolve("sites.csv");
    List<String> lines = new ArrayList<>(Files.readAllLines(Path.of(TABLES, "regression.csv")));
    lines.set(100, lines.get(100).replaceFirst(",[^,]*,", ",high,"));
    Files.write(csv, lines);
    String nonNumeric = Console.err(() -> assertEquals(3, MetasparkCli.run(command("train",
        example("--set", "run.name=bad", "--set", "tasks.table.location=" + csv, "--set", "tasks.table.format=csv")))));
    assertTrue(nonNumeric.contains("feature column 'x1'") && nonNumeric.contains("'high'")
        && nonNumeric.contains("sites.csv"), nonNumeric);
    assertFalse(Files.exists(dir.resolve("bad/checkpoints")) && Files.list(dir.resolve("bad/checkpoints")).findAny()
        .isPresent(), "no training happened");
  }
}
