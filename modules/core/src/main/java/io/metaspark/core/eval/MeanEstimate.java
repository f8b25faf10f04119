package io.metaspark.core.eval;

/**
 * A sample mean with its 95% confidence interval, mean +- 1.96 s / sqrt(n): the normal
 * approximation the few-shot literature reports over its M test tasks.
 */
public record MeanEstimate(double mean, double standardDeviation, long count) {
  private static final double Z_95 = 1.959963984540054;

  public static MeanEstimate of(double[] values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("no values to estimate a mean from");
    }
    double mean = 0;
    for (double v : values) {
      mean += v;
    }
    mean /= values.length;
    double squares = 0;
    for (double v : values) {
      squares += (v - mean) * (v - mean);
    }
    double sd = values.length > 1 ? Math.sqrt(squares / (values.length - 1)) : 0;
    return new MeanEstimate(mean, sd, values.length);
  }

  /** Half the width of the 95% confidence interval. */
  public double halfWidth95() {
    return Z_95 * standardDeviation / Math.sqrt(count);
  }

  @Override
  public String toString() {
    return String.format(java.util.Locale.ROOT, "%.4f +- %.4f", mean, halfWidth95());
  }
}
