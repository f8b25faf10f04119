package io.metaspark.spark;

/**
 * What one meta-iteration did.
 *
 * @param logged whether this is an iteration the plan measures and logs (every measure-every-th, and the last)
 * @param queryLossBefore mean query loss at the initialization, NaN on iterations not measured
 * @param queryLossAfter mean query loss after adaptation, NaN on iterations not measured
 * @param metaGradientNorm L2 norm of the mean meta-gradient
 * @param millis wall time of the iteration on the driver
 * @param jobMillis the part of {@code millis} spent getting the meta-batch's mean outcome (sampling,
 *     the Spark job, the exact sum's rounding); the rest is the driver's outer update
 * @param skipped the update was not applied: the meta-gradient or a loss was not finite
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
    boolean skipped) {}
