package io.metaspark.app.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.metaspark.app.cli.MetasparkCli;
import io.metaspark.app.testing.Console;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchTest {
  private static final String CONFIG = "../../conf/sinusoid.conf";

  @Test
  void badArgumentsExitWithTwoBeforeSparkStarts() {
    String err = Console.err(() -> assertEquals(2, MetasparkCli.run("bench", "--config", CONFIG,
        "--masters", "local[1],spark://host:7077")));
    assertTrue(err.contains("spark://host:7077"), err);
    assertEquals(2, MetasparkCli.run("bench", "--config", CONFIG, "--iterations", "0"));
    assertEquals(2, MetasparkCli.run("bench", "--config", CONFIG, "--vary", "model.learner"));
    assertEquals(2, MetasparkCli.run("bench", "--config", CONFIG, "--master", "local[1]"));
  }

  @Test
  void mastersAreSplitOutsideBrackets() {
    assertEquals(1, Bench.slots("local"));
    assertEquals(2, Bench.slots("local[2]"));
    assertEquals(4, Bench.slots("local-cluster[2,2,1024]"));
    assertEquals(0, Bench.slots("yarn"));
  }

  @Test
  void theResultsFileHoldsTimesTheSplitMemoryAndFlops(@TempDir Path dir) throws Exception {
    Path output = dir.resolve("results.json");
    Console.out(() -> assertEquals(0, MetasparkCli.run("bench", "--config", CONFIG, "--masters", "local[1]",
        "--algorithms", "reptile", "--warmup", "2", "--iterations", "3", "--repeats", "1",
        "--output", output.toString())));
    JsonNode doc = new ObjectMapper().readTree(output.toFile());
    assertEquals(1, doc.get("results").size());
    JsonNode row = doc.get("results").get(0);
    assertEquals("local[1]", row.get("master").asText());
    assertEquals("reptile", row.get("configuration").asText());
    assertEquals("dense", row.get("learner").asText());
    assertTrue(row.get("ms_per_iteration_median").asDouble() > 0);
    // Reptile, 1 inner step on K = 10 points of a 1-40-40-1 MLP, 25 tasks, a gradient = 3 forwards
    assertEquals(25 * 10 * 3 * 2 * (40 + 40 * 40 + 40) / 1e9, row.get("gflop_per_iteration").asDouble(), 1e-15);
    JsonNode split = row.get("split_ms_mean");
    double parts = 0;
    for (String part : new String[] {"prepare", "launch", "compute", "merge", "update"}) {
      assertTrue(split.get(part).asDouble() >= 0, part);
      parts += split.get(part).asDouble();
    }
    assertEquals(split.get("total").asDouble(), parts, 1e-9, "the parts add up to the iteration");
    JsonNode driver = row.get("memory_mb").get("driver");
    assertTrue(driver.get("heap_live_after_gc").asLong() > 0);
    assertTrue(driver.get("rss_peak").asLong() >= driver.get("heap_live_after_gc").asLong());
    assertEquals("in the driver's JVM", row.get("memory_mb").get("executor_largest").asText());
    // one JVM's CPU time over wall time cannot exceed the machine's cores
    double cores = row.get("cpu_cores_busy").asDouble();
    assertTrue(cores > 0 && cores <= Runtime.getRuntime().availableProcessors() + 0.05, "cores busy: " + cores);
    assertEquals(cores * row.get("ms_per_iteration_median").asDouble(), row.get("cpu_ms_per_iteration").asDouble(),
        1e-9);
    assertEquals(0, doc.get("scaling").size(), "one master: nothing to scale against");
  }

  /** Barrier mode runs no Spark job per iteration: its split is the barrier task's own timing. */
  /**
   * An algorithm whose meta-parameters are more than the network's (Meta-SGD's learned rates) is
   * measured from the same starting point train uses, not from the network's parameters alone.
   */
  @Test
  void algorithmsWithLearnedRatesStartFromTheirOwnMetaParameters(@TempDir Path dir) throws Exception {
    Path output = dir.resolve("results.json");
    Console.out(() -> assertEquals(0, MetasparkCli.run("bench", "--config", CONFIG, "--masters", "local[1]",
        "--algorithms", "meta-sgd", "--warmup", "1", "--iterations", "2", "--repeats", "1",
        "--output", output.toString())));
    JsonNode row = new ObjectMapper().readTree(output.toFile()).get("results").get(0);
    assertEquals("meta-sgd", row.get("configuration").asText());
    assertTrue(row.get("ms_per_iteration_median").asDouble() > 0);
  }

  @Test
  void barrierModeIsMeasuredBesideJobsMode(@TempDir Path dir) throws Exception {
    Path output = dir.resolve("results.json");
    Console.out(() -> assertEquals(0, MetasparkCli.run("bench", "--config", CONFIG, "--masters", "local[2]",
        "--algorithms", "reptile", "--vary", "spark.mode=jobs,barrier", "--warmup", "2", "--iterations", "3",
        "--repeats", "1", "--output", output.toString())));
    JsonNode results = new ObjectMapper().readTree(output.toFile()).get("results");
    assertEquals(2, results.size());
    JsonNode barrier = results.get(1);
    assertEquals("reptile[spark.mode=barrier]", barrier.get("configuration").asText());
    JsonNode split = barrier.get("split_ms_mean");
    for (String part : new String[] {"prepare", "launch", "merge"}) {
      assertEquals(0.0, split.get(part).asDouble(), part);
    }
    assertTrue(split.get("compute").asDouble() > 0);
  }
}
