package io.metaspark.core.optim;

import java.util.function.UnaryOperator;

/**
 * Conjugate gradient for A x = b, A symmetric positive definite and known only by its products
 * (rllab's {@code krylov.cg}, which the MAML code's TRPO uses): at most {@code iterations}
 * products, stopping early once the squared residual is below {@code residualTolerance}.
 */
public record ConjugateGradient(int iterations, double residualTolerance) {
  /** rllab's tolerance on the squared residual. */
  public static final double DEFAULT_RESIDUAL_TOLERANCE = 1e-10;

  public ConjugateGradient {
    if (iterations < 1) {
      throw new IllegalArgumentException("conjugate gradient needs at least 1 iteration, got " + iterations);
    }
  }

  /** x with A x ~ b, starting from 0. */
  public double[] solve(UnaryOperator<double[]> product, double[] b) {
    double[] x = new double[b.length];
    double[] r = b.clone();
    double[] p = b.clone();
    double rr = dot(r, r);
    for (int i = 0; i < iterations && rr >= residualTolerance; i++) {
      double[] ap = product.apply(p);
      double alpha = rr / dot(p, ap);
      for (int j = 0; j < x.length; j++) {
        x[j] += alpha * p[j];
        r[j] -= alpha * ap[j];
      }
      double next = dot(r, r);
      double beta = next / rr;
      for (int j = 0; j < p.length; j++) {
        p[j] = r[j] + beta * p[j];
      }
      rr = next;
    }
    return x;
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
