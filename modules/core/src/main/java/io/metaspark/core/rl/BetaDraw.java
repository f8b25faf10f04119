package io.metaspark.core.rl;

import java.util.SplittableRandom;

/**
 * Beta(a, b) draws for integer a, b >= 1 as the a-th smallest of a + b - 1 uniforms (an order
 * statistic): exact, needs nothing but the caller's {@link SplittableRandom}, so Thompson sampling
 * stays a pure function of its seed. Commons Math's BetaDistribution would bring a random generator
 * of its own, and the counts here are at most the pulls of one episode.
 */
final class BetaDraw {
  private BetaDraw() {}

  static double of(int a, int b, SplittableRandom random) {
    int n = a + b - 1;
    double[] u = new double[n];
    for (int i = 0; i < n; i++) {
      u[i] = random.nextDouble();
    }
    java.util.Arrays.sort(u);
    return u[a - 1];
  }
}
