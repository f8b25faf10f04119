package io.metaspark.app.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.metaspark.app.adapt.ModelCard;
import io.metaspark.app.adapt.ModelExport;
import io.metaspark.app.config.ConfigError;
import io.metaspark.app.config.DataError;
import io.metaspark.app.evaluate.ModelEvaluation;
import io.metaspark.app.run.RunDirectory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A run's learning curves as the morning-after picture: report.png (meta-batch query loss before
 * and after adaptation, validation loss with 95% intervals, throughput) and report.html with the
 * final evaluation table, both written into the run directory. For a policy (maml-rl, fomaml-rl),
 * whose logged "losses" are minus average returns, the returns instead: the meta-batch's before
 * and after adaptation over the iterations, and the evaluation's after 0, 1, ... steps with 95%
 * intervals (and, on bandits, the classical strategies' on the same bandits).
 */
public final class RunReport {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RunReport() {}

  /** Writes report.png and report.html into the run directory {@code runDir} (any Hadoop URI). */
  public static void write(String runDir, PrintStream out) throws IOException {
    System.setProperty("java.awt.headless", "true");
    RunDirectory run;
    try {
      run = RunDirectory.open(runDir, new Configuration());
    } catch (IOException e) {
      throw new ConfigError("--run " + runDir + ": " + e.getMessage(), e);
    }
    Curves curves = Curves.read(run.readLines(RunDirectory.METRICS));
    if (curves.iterations.isEmpty()) {
      throw new DataError(run + "/" + RunDirectory.METRICS + " has no records to plot");
    }
    JsonNode evaluation = readJson(run, RunDirectory.EVALUATION);
    boolean returns = evaluation != null && evaluation.has("returns") || isPolicy(run);
    List<XYChart> charts = new ArrayList<>();
    charts.add(returns ? returnChart(curves) : lossChart(curves));
    if (!curves.validation.isEmpty()) {
      charts.add(returns ? validationChart(curves, "Validation average return (95% CI)", "average return")
          : validationChart(curves, "Validation query loss (95% CI)", "query loss"));
    }
    if (evaluation != null && evaluation.has("returns")) {
      charts.add(evaluationReturnChart(evaluation));
    }
    charts.add(throughputChart(curves));
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    BitmapEncoder.saveBitmap(charts, 1, charts.size(), png, BitmapEncoder.BitmapFormat.PNG);
    run.writeAtomically("report.png", stream -> stream.write(png.toByteArray()));
    run.writeString("report.html", html(run, curves, evaluation));
    out.printf("report: %s/report.png and %s/report.html%n", run, run);
  }

  /** The series metrics.jsonl holds. */
  private static final class Curves {
    final List<Double> iterations = new ArrayList<>();
    final List<Double> before = new ArrayList<>();
    final List<Double> after = new ArrayList<>();
    final List<Double> tasksPerSecond = new ArrayList<>();
    /** steps -> (iteration, mean, half-width) */
    final Map<Integer, List<double[]>> validation = new TreeMap<>();

    static Curves read(List<String> lines) {
      Curves c = new Curves();
      for (String line : lines) {
        JsonNode r;
        try {
          r = JSON.readTree(line);
        } catch (IOException e) {
          continue;
        }
        double iteration = r.path("iteration").asDouble();
        if (r.has("validation")) {
          for (JsonNode row : r.get("validation").path("results")) {
            c.validation.computeIfAbsent(row.path("steps").asInt(), k -> new ArrayList<>()).add(
                new double[] {iteration, row.path("query_loss").asDouble(), row.path("ci95_half_width").asDouble()});
          }
          // a policy's: average returns, as in its evaluation.json
          for (JsonNode row : r.get("validation").path("returns")) {
            c.validation.computeIfAbsent(row.path("steps").asInt(), k -> new ArrayList<>()).add(
                new double[] {iteration, row.path("average_return").asDouble(), row.path("ci95").asDouble()});
          }
        } else if (r.path("query_loss_after").isNumber()) {
          c.iterations.add(iteration + 1);
          c.before.add(r.path("query_loss_before").asDouble(Double.NaN));
          c.after.add(r.path("query_loss_after").asDouble());
          c.tasksPerSecond.add(r.path("tasks_per_second").asDouble());
        }
      }
      return c;
    }
  }

  private static XYChart chart(String title, String yTitle) {
    XYChart chart = new XYChartBuilder().width(560).height(400).title(title).xAxisTitle("meta-iteration")
        .yAxisTitle(yTitle).build();
    chart.getStyler().setMarkerSize(4);
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
    return chart;
  }

  private static XYChart lossChart(Curves c) {
    XYChart chart = chart("Meta-batch query loss", "query loss");
    if (c.before.stream().anyMatch(Double::isFinite)) {
      chart.addSeries("before adaptation", c.iterations, c.before).setMarker(SeriesMarkers.NONE);
    }
    chart.addSeries("after adaptation", c.iterations, c.after).setMarker(SeriesMarkers.NONE);
    return chart;
  }

  /** A policy's training log: its "query losses" are minus the meta-batch's average returns. */
  private static XYChart returnChart(Curves c) {
    XYChart chart = chart("Meta-batch average return", "average return");
    if (c.before.stream().anyMatch(Double::isFinite)) {
      chart.addSeries("before adaptation", c.iterations, negated(c.before)).setMarker(SeriesMarkers.NONE);
    }
    chart.addSeries("after adaptation", c.iterations, negated(c.after)).setMarker(SeriesMarkers.NONE);
    return chart;
  }

  /** The evaluation's average return after each step count with its 95% interval; bandit strategies flat beside it. */
  private static XYChart evaluationReturnChart(JsonNode evaluation) {
    XYChart chart = chart("Evaluation: average return (95% CI)", "average return");
    chart.setXAxisTitle("policy-gradient steps");
    JsonNode rows = evaluation.get("returns");
    double[] steps = new double[rows.size()];
    double[] mean = new double[rows.size()];
    double[] ci = new double[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      steps[i] = rows.get(i).path("steps").asDouble();
      mean[i] = rows.get(i).path("average_return").asDouble();
      // a single task's interval is NaN: no error bar rather than no chart
      ci[i] = Double.isFinite(rows.get(i).path("ci95").asDouble()) ? rows.get(i).path("ci95").asDouble() : 0;
    }
    chart.addSeries("meta-learned policy", steps, mean, ci).setMarker(SeriesMarkers.CIRCLE);
    for (JsonNode strategy : evaluation.path("baselines")) {
      double[] flat = new double[steps.length];
      Arrays.fill(flat, strategy.path("average_return").asDouble());
      chart.addSeries(strategy.path("strategy").asText(), steps, flat).setMarker(SeriesMarkers.NONE);
    }
    return chart;
  }

  private static List<Double> negated(List<Double> values) {
    return values.stream().map(v -> -v).toList();
  }

  private static boolean isPolicy(RunDirectory run) throws IOException {
    return run.exists(RunDirectory.FINAL + "/" + ModelExport.FACTS)
        && ModelExport.readCard(run.child(RunDirectory.FINAL)).policy() != null;
  }

  private static XYChart validationChart(Curves c, String title, String yTitle) {
    XYChart chart = chart(title, yTitle);
    c.validation.forEach((steps, points) -> {
      double[] x = points.stream().mapToDouble(p -> p[0]).toArray();
      double[] y = points.stream().mapToDouble(p -> p[1]).toArray();
      double[] ci = points.stream().mapToDouble(p -> p[2]).toArray();
      XYSeries s = chart.addSeries(steps + (steps == 1 ? " step" : " steps"), x, y, ci);
      s.setMarker(SeriesMarkers.CIRCLE);
    });
    return chart;
  }

  private static XYChart throughputChart(Curves c) {
    XYChart chart = chart("Throughput", "tasks/s");
    chart.addSeries("tasks/s", c.iterations, c.tasksPerSecond).setMarker(SeriesMarkers.NONE);
    chart.getStyler().setLegendVisible(false);
    return chart;
  }

  private static String html(RunDirectory run, Curves curves, JsonNode evaluation) throws IOException {
    StringBuilder h = new StringBuilder("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>metaspark run ")
        .append(escape(run.toString())).append("</title>\n<style>body{font-family:sans-serif;margin:2em}"
            + "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}</style>"
            + "</head><body>\n<h1>metaspark run ").append(escape(run.toString())).append("</h1>\n");
    if (run.exists(RunDirectory.FINAL + "/" + ModelExport.FACTS)) {
      ModelCard card = ModelExport.readCard(run.child(RunDirectory.FINAL));
      h.append("<p>").append(escape(card.algorithm())).append(", ")
          .append(card.innerSteps()).append(" inner step(s) at lr ").append(card.innerLr())
          .append("; ").append(escape(String.valueOf(card.taskFamily()))).append("; ")
          .append(card.iterations()).append(" iterations x ").append(card.metaBatch())
          .append(" tasks; seed ").append(card.seed()).append("</p>\n");
    }
    h.append(String.format(Locale.ROOT, "<p>%d logged iterations, last %.0f.</p>%n", curves.iterations.size(),
        curves.iterations.get(curves.iterations.size() - 1)));
    h.append("<img src=\"report.png\" alt=\"learning curves\">\n");
    if (evaluation != null) {
      h.append(String.format(Locale.ROOT, "<h2>Evaluation on %d fresh tasks (seed %d)</h2>%n",
          evaluation.path("tasks").asInt(), evaluation.path("seed").asLong()));
      if (evaluation.has("returns")) {
        returnTable(h, evaluation);
      } else {
        evaluationTable(h, evaluation);
      }
    }
    return h.append("</body></html>\n").toString();
  }

  /** One row group per model: the meta-learned one, then each baseline, on the same tasks and step counts. */
  private static void evaluationTable(StringBuilder h, JsonNode evaluation) {
    Map<String, JsonNode> models = new java.util.LinkedHashMap<>();
    models.put(ModelEvaluation.META_LEARNED, evaluation.path("results"));
    evaluation.path("baselines").fields().forEachRemaining(e -> models.put(e.getKey(), e.getValue().path("results")));
    boolean classification = evaluation.path("results").path(0).has("query_accuracy");
    boolean macro = evaluation.path("results").path(0).has("macro_f1");
    h.append("<table><tr><th>model</th><th>adaptation steps</th><th>query loss</th><th>95% CI</th>")
        .append(classification ? "<th>query accuracy</th><th>95% CI</th>" : "")
        .append(macro ? "<th>macro precision</th><th>95% CI</th><th>macro recall</th><th>95% CI</th>"
            + "<th>macro F1</th><th>95% CI</th>" : "")
        .append("</tr>\n");
    models.forEach((name, rows) -> {
      boolean first = true;
      for (JsonNode row : rows) {
        h.append(first ? "<tr><th rowspan=\"" + rows.size() + "\">" + escape(name) + "</th>" : "<tr>");
        first = false;
        h.append(String.format(Locale.ROOT, "<td>%d</td><td>%.4f</td><td>&plusmn; %.4f</td>",
            row.path("steps").asInt(), row.path("query_loss").asDouble(), row.path("ci95_half_width").asDouble()));
        if (classification) {
          percentCells(h, row, "query_accuracy", "accuracy_ci95_half_width");
        }
        if (macro) {
          percentCells(h, row, "macro_precision", "precision_ci95_half_width");
          percentCells(h, row, "macro_recall", "recall_ci95_half_width");
          percentCells(h, row, "macro_f1", "f1_ci95_half_width");
        }
        h.append("</tr>\n");
      }
    });
    h.append("</table>\n");
  }

  /** A policy's average return after each step count, then each bandit strategy's on the same tasks. */
  private static void returnTable(StringBuilder h, JsonNode evaluation) {
    h.append(String.format(Locale.ROOT, "<p>%d trajectories per step.</p>%n",
        evaluation.path("trajectories_per_step").asInt()));
    h.append("<table><tr><th>policy</th><th>adaptation steps</th><th>average return</th><th>95% CI</th></tr>\n");
    JsonNode rows = evaluation.path("returns");
    boolean first = true;
    for (JsonNode row : rows) {
      h.append(first ? "<tr><th rowspan=\"" + rows.size() + "\">meta-learned</th>" : "<tr>");
      first = false;
      h.append(String.format(Locale.ROOT, "<td>%d</td><td>%.2f</td><td>&plusmn; %.2f</td></tr>%n",
          row.path("steps").asInt(), row.path("average_return").asDouble(), row.path("ci95").asDouble()));
    }
    for (JsonNode strategy : evaluation.path("baselines")) {
      h.append(String.format(Locale.ROOT, "<tr><th>%s</th><td></td><td>%.2f</td><td>&plusmn; %.2f</td></tr>%n",
          escape(strategy.path("strategy").asText()), strategy.path("average_return").asDouble(),
          strategy.path("ci95").asDouble()));
    }
    h.append("</table>\n");
  }

  private static void percentCells(StringBuilder h, JsonNode row, String mean, String halfWidth) {
    h.append(String.format(Locale.ROOT, "<td>%.2f%%</td><td>&plusmn; %.2f%%</td>",
        100 * row.path(mean).asDouble(), 100 * row.path(halfWidth).asDouble()));
  }

  private static JsonNode readJson(RunDirectory run, String relative) throws IOException {
    if (!run.exists(relative)) {
      return null;
    }
    try (InputStream in = run.fs().open(run.path(relative))) {
      return JSON.readTree(in);
    }
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
