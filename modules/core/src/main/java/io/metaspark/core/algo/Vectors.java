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
}
