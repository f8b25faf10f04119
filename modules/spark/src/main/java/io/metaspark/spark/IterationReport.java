package io.metaspark.spark;

import io.metaspark.core.optim.LineSearch;
import java.io.Serializable;

/**
 * What one meta-iteration did.
 *
 * @param logged whether this is an iteration the plan measures and logs (every measure-every-th, and the last)
 * @param queryLossBefore mean query loss at the initialization, NaN on iterations not measured
 * @param queryLossAfter mean query loss after adaptation, NaN on iterations not measured
 * @param metaGradientNorm L2 norm of the mean meta-gradient
 * @param millis wall time of the iteration: on the driver in jobs mode; in barrier mode as timed in
 *     the barrier task, plus, on a segment's first iteration, the segment's own cost (launching the
 *     stage, returning its result), so that the times still add up to the run's wall time
 * @param jobMillis the part of {@code millis} spent getting the meta-batch's mean outcome (sampling,
 *     the tasks and the exchange or job that sums them, the exact sum's rounding); the rest is the
 *     outer update
 * @param skipReason why the update was not applied (a non-finite meta-gradient or loss, or an update
 *     that would blow the state up, see {@link OuterStep}); null when it was applied
 * @param lineSearch what the outer step's line search did (TRPO's), null for an optimizer without one
 *     and for a skipped update
 */
public record IterationReport(
    long iteration,
    long tasks,
    boolean logged,
    double queryLossBefore,
    double queryLossAfter,
    double metaGradientNorm,
    double millis,
    double jobMillis,
    String skipReason,
    LineSearch lineSearch) implements Serializable {

  /** Whether the update was skipped by the divergence guard. */
  public boolean skipped() {
    return skipReason != null;
  }

  IterationReport plusMillis(double extra) {
    return new IterationReport(iteration, tasks, logged, queryLossBefore, queryLossAfter, metaGradientNorm,
        millis + extra, jobMillis + extra, skipReason, lineSearch);
  }
}
