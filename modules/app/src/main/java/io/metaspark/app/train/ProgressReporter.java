package io.metaspark.app.train;

import io.metaspark.app.run.Clock;
import io.metaspark.spark.IterationListener;
import io.metaspark.spark.IterationReport;
import io.metaspark.spark.TrainingState;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Every logged iteration: a progress line (losses, throughput, ETA) and a metrics.jsonl record; every
 * skipped update: a metrics.jsonl record. Throughput is measured over the window since the previous
 * line, so it tracks warm-up.
 */
final class ProgressReporter implements IterationListener {
  private final PrintStream out;
  private final MetricsLog metrics;
  private final long lastIteration;
  private final long started = System.nanoTime();
  private long windowStart = System.nanoTime();
  private long windowTasks;
  private long windowIterations;

  ProgressReporter(PrintStream out, MetricsLog metrics, long totalIterations) {
    this.out = out;
    this.metrics = metrics;
    this.lastIteration = totalIterations - 1;
  }

  @Override
  public void onIteration(IterationReport report, TrainingState state) {
    windowTasks += report.tasks();
    windowIterations++;
    if (!report.logged()) {
      if (report.skipped()) {
        // a skipped update is on record whether or not its iteration is a logged one
        metrics.write(report, Double.NaN, (System.nanoTime() - started) / 1e9);
      }
      return;
    }
    long now = System.nanoTime();
    double windowSeconds = (now - windowStart) / 1e9;
    double tasksPerSecond = windowTasks / windowSeconds;
    double secondsPerIteration = windowSeconds / windowIterations;
    double elapsed = (now - started) / 1e9;
    long remaining = lastIteration - report.iteration();
    metrics.write(report, tasksPerSecond, elapsed);
    out.println(String.format(Locale.ROOT,
        "iter %7d/%d  query loss before %8.4f  after %8.4f  |meta-grad| %.3g  %6.0f tasks/s  elapsed %s  ETA %s",
        report.iteration() + 1, lastIteration + 1, report.queryLossBefore(), report.queryLossAfter(),
        report.metaGradientNorm(), tasksPerSecond, Clock.of(elapsed),
        // the first iteration pays for JIT and network builds: no estimate from it alone
        report.iteration() == 0 && remaining > 0 ? "-" : Clock.of(remaining * secondsPerIteration)));
    windowStart = now;
    windowTasks = 0;
    windowIterations = 0;
  }
}
