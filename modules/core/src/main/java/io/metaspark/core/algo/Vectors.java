package io.metaspark.core.algo;

/** The few dense-vector operations the algorithms need, over plain arrays. */
final class Vectors {
  private Vectors() {}

  /** y += a * x */
  static void axpy(double a, double[] x, double[] y) {
    for (int i = 0; i < y.length; i++) {
      y[i] += a * x[i];
    }
  }

  /** out = x + a * d */
  static void step(double[] x, double a, double[] d, double[] out) {
    for (int i = 0; i < out.length; i++) {
      out[i] = x[i] + a * d[i];
    }
  }

  static double norm(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v * v;
    }
    return Math.sqrt(s);
  }
}
