package io.metaspark.core.algo;

import java.util.Arrays;

/**
 * MAML++'s multi-step loss weights (its code's {@code get_per_step_loss_importance_vector}): at the
 * start every inner step's query loss weighs 1/k; over the annealing iterations the earlier steps'
 * weights fall linearly to 0.03/k and the last step's rises to take up the rest, so the weights
 * always sum to 1.
 */
final class MultiStepLossWeights {
  private MultiStepLossWeights() {}

  /** The weights of the query losses after steps 1..k at {@code iteration} of {@code annealing}. */
  static double[] at(long iteration, long annealing, int steps) {
    double[] weights = new double[steps];
    if (steps == 0) {
      return weights;
    }
    double uniform = 1.0 / steps;
    double floor = 0.03 / steps;
    double progress = Math.min(1.0, (double) iteration / annealing);
    double earlier = uniform - progress * (uniform - floor);
    Arrays.fill(weights, earlier);
    weights[steps - 1] = 1 - (steps - 1) * earlier;
    return weights;
  }

  /** The last step's loss alone: MAML's objective. */
  static double[] lastOnly(int steps) {
    double[] weights = new double[steps];
    if (steps > 0) {
      weights[steps - 1] = 1;
    }
    return weights;
  }
}
