package io.metaspark.spark;

/**
 * What one meta-iteration did.
 *
 * @param queryLossBefore mean query loss at the initialization, NaN on iterations not measured
 * @param queryLossAfter mean query loss after adaptation, NaN on iterations not measured
 * @param metaGradientNorm L2 norm of the mean meta-gradient
 * @param millis wall time of the iteration on the driver
 */
public record IterationReport(
    long iteration, long tasks, double queryLossBefore, double queryLossAfter, double metaGradientNorm, double millis) {

  public boolean measured() {
    return !Double.isNaN(queryLossBefore) || !Double.isNaN(queryLossAfter);
  }
}
