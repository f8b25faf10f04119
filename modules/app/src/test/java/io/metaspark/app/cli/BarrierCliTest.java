package io.metaspark.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.metaspark.app.testing.Console;
import io.metaspark.app.testing.SinusoidTraining;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** spark.mode = barrier through the command line: checkpoints, metrics and resume as in jobs mode. */
class BarrierCliTest {
  @TempDir
  Path dir;

  private int train(String name, int iterations, String... extra) {
    return MetasparkCli.run(SinusoidTraining.args(dir, name, iterations, List.of("train.log-every=5",
        "checkpoint.every=4", "validate.every=6", "validate.tasks=4", "evaluate.after-train=false",
        "train.meta-batch=8"), extra));
  }

  @Test
  void aRunStartedInJobsModeAndResumedInBarrierModeEqualsOneInJobsModeThroughout() throws IOException {
    assertEquals(0, train("jobs", 14, "--set", "spark.mode=jobs"));
    // the first invocation ends after iteration 5, a logged one: no record of it is redone on resume
    assertEquals(0, train("mixed", 6, "--set", "spark.mode=jobs"));
    String out = Console.out(() -> assertEquals(0, train("mixed", 14, "--set", "spark.mode=barrier")));
    assertTrue(out.contains("resuming") && out.contains("at iteration 6") && out.contains("mode barrier"), out);

    assertArrayEquals(params("jobs"), params("mixed"), 0.0);
    // checkpoints every 4 (and at each end), validations every 6, metrics every 5: the same records
    assertEquals(List.of("ckpt-000000000008.msck", "ckpt-000000000012.msck", "ckpt-000000000014.msck"),
        checkpoints("mixed"));
    assertEquals(checkpoints("jobs"), checkpoints("mixed"));
    List<String> jobsRecords = records("jobs");
    assertEquals(List.of("0", "5", "validation 6", "10", "validation 12", "13"), jobsRecords);
    assertEquals(jobsRecords, records("mixed"));
  }

  @Test
  void moreBarrierPartitionsThanTaskSlotsIsABadConfigurationNamedBeforeAnyIteration() throws IOException {
    String err = Console.err(() -> assertEquals(2, train("wide", 4, "--set", "spark.mode=barrier",
        "--set", "spark.partitions=3")));
    assertTrue(err.contains("spark.partitions") && err.contains("2 task slots"), err);
    assertTrue(!Files.exists(dir.resolve("wide/metrics.jsonl")) || records("wide").isEmpty(), "no iteration ran");
    assertTrue(Console.err(() -> assertEquals(2, train("typo", 4, "--set", "spark.mode=barriers")))
        .contains("spark.mode must be auto, jobs or barrier, got 'barriers'"));
  }

  @Test
  void byDefaultARunTakesBarrierModeWhereItsPartitionsFitAndJobsModeWhereNotAndSaysWhy() throws IOException {
    String fits = Console.out(() -> assertEquals(0, train("fits", 6)));
    assertTrue(fits.contains("mode barrier (auto: all 2 partitions run at once in 2 task slots)"), fits);
    String wide = Console.out(() -> assertEquals(0, train("wide", 6, "--set", "spark.partitions=3")));
    assertTrue(wide.contains("mode jobs (auto: 2 task slots for 3 partitions, too few to run them at once)"), wide);
    assertArrayEquals(params("fits"), params("wide"), 0.0);
  }

  private double[] params(String run) throws IOException {
    return ModelSerializer.restoreMultiLayerNetwork(dir.resolve(run + "/final/model.zip").toFile()).params()
        .toDoubleVector();
  }

  private List<String> checkpoints(String run) throws IOException {
    try (var files = Files.list(dir.resolve(run + "/checkpoints"))) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".msck")).sorted().toList();
    }
  }

  /** metrics.jsonl as "iteration" for progress records and "validation t" for validations. */
  private List<String> records(String run) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve(run + "/metrics.jsonl"))) {
      JsonNode record = json.readTree(line);
      out.add((record.has("validation") ? "validation " : "") + record.get("iteration").asInt());
    }
    return out;
  }
}
