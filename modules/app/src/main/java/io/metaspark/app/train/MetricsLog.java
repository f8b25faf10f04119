package io.metaspark.app.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.metaspark.app.evaluate.AdaptationEvaluation;
import io.metaspark.app.evaluate.ReturnEvaluation;
import io.metaspark.app.run.RunDirectory;
import io.metaspark.core.optim.LineSearch;
import io.metaspark.spark.IterationReport;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.fs.FSDataOutputStream;

/**
 * {@code metrics.jsonl}: one JSON object per logged iteration, skipped update or rejected TRPO step,
 * flushed as it is written.
 */
final class MetricsLog implements Closeable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final FSDataOutputStream out;

  MetricsLog(FSDataOutputStream out) {
    this.out = out;
  }

  /**
   * Opens the run's metrics for a run continuing at iteration {@code next}: records of iterations
   * before it are kept, later ones (work lost since the last checkpoint, about to be redone) dropped.
   */
  static MetricsLog continuing(RunDirectory run, long next) throws IOException {
    java.util.List<String> kept = new java.util.ArrayList<>();
    for (String line : run.readLines(RunDirectory.METRICS)) {
      try {
        com.fasterxml.jackson.databind.JsonNode record = JSON.readTree(line);
        long iteration = record.path("iteration").asLong(Long.MAX_VALUE);
        if (record.has("validation") ? iteration <= next : iteration < next) {
          kept.add(line);
        }
      } catch (IOException e) {
        // a line cut off by a crash: drop it
      }
    }
    MetricsLog log = new MetricsLog(run.createLog(RunDirectory.METRICS));
    for (String line : kept) {
      log.out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    }
    log.out.hflush();
    return log;
  }

  void write(IterationReport r, double tasksPerSecond, double elapsedSeconds) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("iteration", r.iteration());
    line.put("tasks", r.tasks());
    line.put("query_loss_before", finiteOrNull(r.queryLossBefore()));
    line.put("query_loss_after", finiteOrNull(r.queryLossAfter()));
    line.put("meta_gradient_norm", finiteOrNull(r.metaGradientNorm()));
    line.put("iteration_ms", r.millis());
    line.put("tasks_per_second", finiteOrNull(tasksPerSecond));
    line.put("elapsed_seconds", elapsedSeconds);
    if (r.skipped()) {
      line.put("skipped_update", true);
      line.put("skip_reason", r.skipReason());
    }
    LineSearch s = r.lineSearch();
    if (s != null) {
      Map<String, Object> search = new LinkedHashMap<>();
      search.put("accepted", s.accepted());
      search.put("trials", s.trials());
      search.put("max_trials", s.maxTrials());
      search.put("mean_kl", finiteOrNull(s.kl()));
      search.put("kl_bound", s.klBound());
      search.put("surrogate_before", finiteOrNull(s.surrogateBefore()));
      search.put("surrogate_after", finiteOrNull(s.surrogateAfter()));
      line.put("line_search", search);
    }
    append(line);
  }

  /** A validation record: {"iteration": t, "validation": {"tasks": n, "seed": s, "results": [...]}}. */
  void writeValidation(long iteration, AdaptationEvaluation validation) {
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("tasks", validation.tasks());
    detail.put("seed", validation.seed());
    detail.put("results", validation.rows());
    writeValidation(iteration, detail);
  }

  /**
   * A policy's validation record: {"iteration": t, "validation": {"tasks": n, "seed": s,
   * "trajectories_per_step": m, "returns": [...]}}, the rows as evaluation.json's.
   */
  void writeValidation(long iteration, ReturnEvaluation.Returns validation) {
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("tasks", validation.tasks());
    detail.put("seed", validation.seed());
    detail.put("trajectories_per_step", validation.trajectories());
    detail.put("returns", validation.rows());
    writeValidation(iteration, detail);
  }

  private void writeValidation(long iteration, Map<String, Object> detail) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("iteration", iteration);
    line.put("validation", detail);
    append(line);
  }

  private void append(Map<String, Object> line) {
    try {
      out.write((JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8));
      out.hflush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write metrics.jsonl", e);
    }
  }

  private static Double finiteOrNull(double v) {
    return Double.isFinite(v) ? v : null;
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
