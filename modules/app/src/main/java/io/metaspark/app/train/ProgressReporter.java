package io.metaspark.app.train;

import io.metaspark.app.run.Clock;
import io.metaspark.core.optim.LineSearch;
import io.metaspark.spark.IterationListener;
import io.metaspark.spark.IterationReport;
import io.metaspark.spark.TrainingState;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Every logged iteration: a progress line (losses, throughput, ETA), for a line-searched outer step
 * (TRPO's) a second line with what its search did, and a metrics.jsonl record; every skipped update
 * and every step its line search rejected: a metrics.jsonl record. Throughput is measured over the
 * window since the previous line, so it tracks warm-up.
 */
final class ProgressReporter implements IterationListener {
  private final PrintStream out;
  private final MetricsLog metrics;
  private final long lastIteration;
  private final long started = System.nanoTime();
  private long windowStart = System.nanoTime();
  private long windowTasks;
  private long windowIterations;
  private long windowRejected;

  ProgressReporter(PrintStream out, MetricsLog metrics, long totalIterations) {
    this.out = out;
    this.metrics = metrics;
    this.lastIteration = totalIterations - 1;
  }

  @Override
  public void onIteration(IterationReport report, TrainingState state) {
    windowTasks += report.tasks();
    windowIterations++;
    LineSearch search = report.lineSearch();
    boolean rejected = search != null && !search.accepted();
    if (rejected) {
      windowRejected++;
    }
    if (!report.logged()) {
      if (report.skipped() || rejected) {
        // a skipped update or a rejected step is on record whether or not its iteration is a logged one
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
    if (search != null) {
      out.println(lineSearch(search, windowRejected, windowIterations));
    }
    windowStart = now;
    windowTasks = 0;
    windowIterations = 0;
    windowRejected = 0;
  }

  /** The logged iteration's line search, and how many steps were rejected since the previous line. */
  static String lineSearch(LineSearch s, long rejected, long iterations) {
    String outcome = s.accepted()
        ? String.format(Locale.ROOT, "step taken at trial %d of %d", s.trials(), s.maxTrials())
        : String.format(Locale.ROOT, "step rejected (no trial of %d passed; parameters kept), the last trial's", s.maxTrials());
    return String.format(Locale.ROOT, "              line search: %s: mean KL %.3g (bound %s), surrogate %.5g -> %.5g;"
        + "  %d of %d step(s) rejected since the previous line", outcome, s.kl(), s.klBound(), s.surrogateBefore(),
        s.surrogateAfter(), rejected, iterations);
  }
}
