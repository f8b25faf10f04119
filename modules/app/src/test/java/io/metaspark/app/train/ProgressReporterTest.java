package io.metaspark.app.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.metaspark.core.optim.LineSearch;
import io.metaspark.spark.IterationReport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a TRPO run's log says of its line searches: the logged iteration's search under its progress
 * line, the steps rejected since the previous line, and a metrics.jsonl record for a rejected step on
 * an iteration that is not logged, as for a skipped update.
 */
class ProgressReporterTest {
  @TempDir
  Path dir;

  @Test
  void aRejectedStepIsOnRecordAndCountedOnTheNextLine() throws IOException {
    Path metricsFile = dir.resolve("metrics.jsonl");
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    MetricsLog metrics = new MetricsLog(FileSystem.getLocal(new Configuration())
        .create(new org.apache.hadoop.fs.Path(metricsFile.toUri())));
    ProgressReporter reporter = new ProgressReporter(new PrintStream(console, true, StandardCharsets.UTF_8), metrics, 3);
    LineSearch rejected = new LineSearch(-1e-17, 0.004, 0.031, 0.01, 15, 15, false);
    LineSearch taken = new LineSearch(-2e-17, -0.0758, 0.00657, 0.01, 2, 15, true);
    reporter.onIteration(report(0, true, taken), null);
    reporter.onIteration(report(1, false, rejected), null);
    reporter.onIteration(report(2, true, taken), null);
    metrics.close();

    String log = console.toString(StandardCharsets.UTF_8);
    assertTrue(log.contains("line search: step taken at trial 2 of 15: mean KL 0.00657 (bound 0.01), surrogate"
        + " -2.0000e-17 -> -0.075800;  0 of 1 step(s) rejected since the previous line"), log);
    assertTrue(log.contains("1 of 2 step(s) rejected since the previous line"), log);
    assertFalse(log.contains("iter       2/3"), "iteration 1 is not a logged one: " + log);

    List<String> lines = Files.readAllLines(metricsFile);
    assertEquals(3, lines.size(), lines.toString());
    JsonNode record = new ObjectMapper().readTree(lines.get(1));
    assertEquals(1, record.get("iteration").asLong());
    assertFalse(record.get("line_search").get("accepted").asBoolean());
    assertEquals(15, record.get("line_search").get("trials").asInt());
    assertEquals(0.031, record.get("line_search").get("mean_kl").asDouble());

    assertTrue(ProgressReporter.lineSearch(rejected, 1, 1)
        .contains("step rejected (no trial of 15 passed; parameters kept), the last trial's: mean KL 0.0310"));
  }

  private static IterationReport report(long iteration, boolean logged, LineSearch search) {
    return new IterationReport(iteration, 20, logged, logged ? 38.5 : Double.NaN, logged ? 10.8 : Double.NaN, 0.3,
        100, 90, null, search);
  }
}
