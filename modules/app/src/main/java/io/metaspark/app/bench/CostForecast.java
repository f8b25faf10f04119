package io.metaspark.app.bench;

import io.metaspark.app.bench.CostModel.Coefficient;
import io.metaspark.app.config.ConfigError;
import io.metaspark.app.config.DataError;
import io.metaspark.spark.TrainingPlan;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code bench cost-model}: fits the {@link CostModel} to {@code bench costs} runs, checks it on the
 * runs held out of the fit, refits on every run, then forecasts iteration time, scaling efficiency,
 * the limiting term and the meta-batch each workload needs to stay efficient, up to {@code
 * maxExecutors} executors. Prints Markdown tables and draws the forecast ({@link ScalingChart}).
 */
public final class CostForecast {
  /** Bytes per parameter of an exact partial sum on the wire: 6.5-7.5 measured (PERFORMANCE.md). */
  static final double PARTIAL_BYTES_PER_PARAM = 7.0;

  /**
   * The options of {@code bench cost-model}.
   *
   * @param machineCores cores of the machine the runs were measured on
   * @param linkGbps bandwidth between hosts in Gbit/s; 0 for loopback, as calibrated
   * @param target the scaling efficiency the meta-batch column keeps
   * @param treeDepth the forecast's {@code treeAggregate} depth, {@link TrainingPlan#AUTO_TREE_DEPTH} for training's
   */
  public record Settings(List<Path> costs, List<String> holdOut, int machineCores, double linkGbps, int maxExecutors,
      double target, int treeDepth, File plot) {}

  /** A held-out run and what the model fitted without it says. */
  record Check(CostRun run, double predictedMs) {
    double error() {
      return (predictedMs - run.medianMs()) / run.medianMs();
    }
  }

  private final Settings settings;

  public CostForecast(Settings settings) {
    this.settings = settings;
  }

  public void run(PrintStream out) throws IOException {
    if (settings.machineCores() < 1 || settings.maxExecutors() < 1 || settings.linkGbps() < 0
        || !(settings.target() > 0 && settings.target() < 1) || settings.treeDepth() < 0) {
      throw new ConfigError("--machine-cores and --executors must be >= 1, --link-gbps >= 0, --efficiency"
          + " between 0 and 1 (exclusive) and --tree-depth auto or >= 1");
    }
    List<HoldOut> rules = settings.holdOut().stream().map(HoldOut::parse).toList();
    List<CostRun> runs = CostRunsFile.read(settings.costs());
    List<CostRun> fitted = runs.stream().filter(r -> !HoldOut.anyMatches(rules, r)).toList();
    List<CostRun> held = runs.stream().filter(r -> HoldOut.anyMatches(rules, r)).toList();
    if (held.isEmpty()) {
      throw new DataError("no run matches --hold-out " + rules + ": nothing to check the model on");
    }
    int cores = settings.machineCores();
    CostModel checked = CostModel.fit(fitted, cores);
    List<Check> checks = held.stream().map(r -> new Check(r, checked.predict(r, cores))).toList();
    CostModel model = CostModel.fit(runs, cores);

    out.printf(Locale.ROOT, "cost model: %d runs from %s, measured on %d cores%n%n", runs.size(), settings.costs(),
        cores);
    printChecks(out, rules, fitted.size(), checks);
    printCoefficients(out, checked, model);
    ScalingForecast forecast = new ScalingForecast(model, settings.linkGbps() * 1e9, PARTIAL_BYTES_PER_PARAM,
        settings.treeDepth());
    List<Integer> executors = executorCounts(settings.maxExecutors());
    printForecast(out, forecast, executors);
    if (settings.plot() != null) {
      ScalingChart.write(settings.plot(), forecast, Workload.defaults(), executors, settings.target(), checks,
          linkLabel());
      out.println("plot: " + settings.plot());
    }
  }

  private void printChecks(PrintStream out, List<HoldOut> rules, int fittedRuns, List<Check> checks) {
    out.printf(Locale.ROOT, "## Held out: fitted on %d runs, checked on the %d runs matching %s%n%n", fittedRuns,
        checks.size(), rules);
    out.println("| held out by | params | run | runs | median error | median abs error | largest abs error |");
    out.println("|---|---|---|---|---|---|---|");
    List<Long> sizes = checks.stream().map(c -> c.run().params()).distinct().sorted().toList();
    for (HoldOut rule : rules) {
      for (long params : sizes) {
        for (String kind : List.of(CostRun.SCHEDULE, CostRun.SHIP, CostRun.AGGREGATE)) {
          double[] errors = checks.stream().filter(c -> rule.matches(c.run()) && c.run().params() == params
              && c.run().run().equals(kind)).mapToDouble(Check::error).sorted().toArray();
          if (errors.length == 0) {
            continue;
          }
          double[] abs = Arrays.stream(errors).map(Math::abs).sorted().toArray();
          out.printf(Locale.ROOT, "| %s | %,d | %s | %d | %+.0f%% | %.0f%% | %.0f%% |%n", rule, params, kind,
              errors.length, 100 * median(errors), 100 * median(abs), 100 * abs[abs.length - 1]);
        }
      }
    }
    out.printf("%n| master | partitions | params | run | measured ms | predicted ms | error |%n");
    out.println("|---|---|---|---|---|---|---|");
    for (Check c : checks) {
      CostRun r = c.run();
      out.printf(Locale.ROOT, "| %s | %d | %d | %s | %.1f | %.1f | %+.0f%% |%n", r.master(), r.partitions(),
          r.params(), r.run(), r.medianMs(), c.predictedMs(), 100 * c.error());
    }
    out.println();
  }

  private static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static void printCoefficients(PrintStream out, CostModel checked, CostModel model) {
    out.printf("## Coefficients (ms; +- one standard error)%n%n");
    out.printf("| term | coefficient | fitted on every run (%d) | without the held-out runs (%d) |%n", model.runs(),
        checked.runs());
    out.println("|---|---|---|---|");
    for (Coefficient c : Coefficient.values()) {
      out.printf(Locale.ROOT, "| %s | %s | %s | %s |%n", c.term.label, c.unit, cell(model, c), cell(checked, c));
    }
    out.println();
  }

  private static String cell(CostModel model, Coefficient c) {
    return model.unfitted(c) != null ? "0 (" + model.unfitted(c).reason + ")"
        : String.format(Locale.ROOT, "%.3g +- %.2g", model.ms(c), model.standardError(c));
  }

  private void printForecast(PrintStream out, ScalingForecast forecast, List<Integer> executors) {
    out.printf(Locale.ROOT, "## Forecast: jobs mode, single-slot executors, %s, tree depth %s%n%n", linkLabel(),
        settings.treeDepth() == TrainingPlan.AUTO_TREE_DEPTH ? "auto" : settings.treeDepth());
    out.printf(Locale.ROOT, "| model | executors | partitions (tree levels) | ms / iteration | efficiency vs 1 executor"
        + " | largest overhead (share) | meta-batch for >= %.0f%% | ms / iteration there | barrier mode, estimated ms |%n",
        100 * settings.target());
    out.println("|---|---|---|---|---|---|---|---|---|");
    for (Workload w : Workload.defaults()) {
      for (int e : executors) {
        ScalingForecast.Iteration it = forecast.jobsMode(w, e, w.metaBatch());
        int batch = forecast.metaBatchFor(w, e, settings.target());
        ScalingForecast.Iteration there = forecast.jobsMode(w, e, batch);
        out.printf(Locale.ROOT, "| %s (meta-batch %d) | %d | %d (%d) | %s | %.0f%% | %s (%.0f%%) | %,d | %s | %s |%n",
            w.name(), w.metaBatch(), e, it.shape().partitions(), it.shape().treeLevels(), ms(it.total()),
            100 * forecast.efficiency(w, e, w.metaBatch()), it.largestOverhead(),
            100 * it.largestOverheadShare(), batch, ms(there.total()), ms(forecast.barrierMs(w, e, w.metaBatch())));
      }
    }
    out.println();
    out.println("Task times (one core): ");
    for (Workload w : Workload.defaults()) {
      out.printf(Locale.ROOT, "- %s: %,d parameters, %.4g ms per task (%s)%n", w.name(), w.params(), w.taskMs(),
          w.source());
    }
  }

  private String linkLabel() {
    return settings.linkGbps() == 0 ? "loopback between executors (as calibrated)"
        : String.format(Locale.ROOT, "a %.3g Gbit/s link between hosts", settings.linkGbps());
  }

  private static String ms(double millis) {
    return millis >= 100 ? String.format(Locale.ROOT, "%,.0f", millis) : String.format(Locale.ROOT, "%.3g", millis);
  }

  /** 1, 2, 4, ... up to and including {@code max}. */
  static List<Integer> executorCounts(int max) {
    List<Integer> counts = new ArrayList<>();
    for (int e = 1; e < max; e *= 2) {
      counts.add(e);
    }
    counts.add(max);
    return counts;
  }
}
