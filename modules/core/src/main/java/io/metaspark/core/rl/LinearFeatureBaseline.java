package io.metaspark.core.rl;

import java.util.List;

/**
 * rllab's linear feature baseline, as MAML-RL fits it per task: the discounted returns regressed,
 * by ridge least squares, on the features [o, o^2, t/100, (t/100)^2, (t/100)^3, 1] of each step
 * (o the observation clipped to [-10, 10]), then predicted for the same steps. The system is
 * (2 observations + 4) square and solved here by Cholesky: an ND4J solve would cost a native call
 * and a copy per task for a 10 x 10 system.
 */
final class LinearFeatureBaseline {
  private static final double FIRST_RIDGE = 1e-5;

  private LinearFeatureBaseline() {}

  /** The baseline of every step of {@code episodes}, fitted to {@code returns} (per episode, per step). */
  static double[][] fitAndPredict(List<Episode> episodes, double[][] returns, int observationSize) {
    int f = 2 * observationSize + 4;
    double[] gram = new double[f * f];
    double[] moment = new double[f];
    double[] x = new double[f];
    for (int e = 0; e < episodes.size(); e++) {
      Episode episode = episodes.get(e);
      for (int t = 0; t < episode.length(); t++) {
        features(episode, t, observationSize, x);
        for (int i = 0; i < f; i++) {
          moment[i] += x[i] * returns[e][t];
          for (int j = 0; j <= i; j++) {
            gram[i * f + j] += x[i] * x[j];
          }
        }
      }
    }
    double[] coefficients = solve(gram, moment, f);
    double[][] baseline = new double[episodes.size()][];
    for (int e = 0; e < episodes.size(); e++) {
      Episode episode = episodes.get(e);
      baseline[e] = new double[episode.length()];
      for (int t = 0; t < episode.length(); t++) {
        features(episode, t, observationSize, x);
        double value = 0;
        for (int i = 0; i < f; i++) {
          value += coefficients[i] * x[i];
        }
        baseline[e][t] = value;
      }
    }
    return baseline;
  }

  private static void features(Episode episode, int t, int observationSize, double[] x) {
    for (int i = 0; i < observationSize; i++) {
      double o = Math.max(-10, Math.min(10, episode.observations()[t * observationSize + i]));
      x[i] = o;
      x[observationSize + i] = o * o;
    }
    double time = t / 100.0;
    x[2 * observationSize] = time;
    x[2 * observationSize + 1] = time * time;
    x[2 * observationSize + 2] = time * time * time;
    x[2 * observationSize + 3] = 1;
  }

  /**
   * (G + ridge I) c = m for the lower triangle of G, raising the ridge tenfold until the factor is
   * finite and positive, as rllab does; zeros if it never is (no baseline, plain returns).
   */
  private static double[] solve(double[] gram, double[] moment, int f) {
    for (double ridge = FIRST_RIDGE; ridge <= 1e5; ridge *= 10) {
      double[] factor = cholesky(gram, f, ridge);
      if (factor != null) {
        double[] y = new double[f];
        for (int i = 0; i < f; i++) {
          double s = moment[i];
          for (int j = 0; j < i; j++) {
            s -= factor[i * f + j] * y[j];
          }
          y[i] = s / factor[i * f + i];
        }
        double[] c = new double[f];
        for (int i = f - 1; i >= 0; i--) {
          double s = y[i];
          for (int j = i + 1; j < f; j++) {
            s -= factor[j * f + i] * c[j];
          }
          c[i] = s / factor[i * f + i];
        }
        if (isFinite(c)) {
          return c;
        }
      }
    }
    return new double[f];
  }

  private static double[] cholesky(double[] gram, int f, double ridge) {
    double[] l = new double[f * f];
    for (int i = 0; i < f; i++) {
      for (int j = 0; j <= i; j++) {
        double s = gram[i * f + j] + (i == j ? ridge : 0);
        for (int k = 0; k < j; k++) {
          s -= l[i * f + k] * l[j * f + k];
        }
        if (i == j) {
          if (!(s > 0)) {
            return null;
          }
          l[i * f + i] = Math.sqrt(s);
        } else {
          l[i * f + j] = s / l[j * f + j];
        }
      }
    }
    return l;
  }

  private static boolean isFinite(double[] values) {
    for (double v : values) {
      if (!Double.isFinite(v)) {
        return false;
      }
    }
    return true;
  }
}
