package io.metaspark.core.rl;

import io.metaspark.core.model.DenseLearner;
import java.util.SplittableRandom;

/**
 * A softmax over discrete actions: the network gives one logit per action, pi = softmax(logits).
 * No parameters of its own. -log pi(a | s) = logsumexp(z) - z_a, whose gradient in z is pi - e_a
 * and whose curvature along Rz is pi ⊙ (Rz - pi·Rz).
 */
final class SoftmaxPolicy extends Policy {
  SoftmaxPolicy(DenseLearner network, ActionSpace space) {
    super(network, space);
  }

  @Override
  public int ownParams() {
    return 0;
  }

  @Override
  public void act(double[] params, double[] observations, int rows, SplittableRandom random, double[] actions) {
    double[] logits = networkOutputs(params, observations, rows);
    int k = space.size();
    double[] pi = new double[k];
    for (int r = 0; r < rows; r++) {
      softmax(logits, r * k, k, pi);
      double u = random.nextDouble();
      int chosen = k - 1;
      double cumulative = 0;
      for (int a = 0; a < k; a++) {
        cumulative += pi[a];
        if (u < cumulative) {
          chosen = a;
          break;
        }
      }
      actions[r] = chosen;
    }
  }

  @Override
  Surrogate surrogate(double[] params, double[] labels) {
    int k = space.size();
    return new Surrogate(0) {
      private final double[] pi = new double[k];

      @Override
      public double gradient(double[] logits, int rows, double[] delta) {
        double loss = 0;
        for (int r = 0; r < rows; r++) {
          double w = labels[r * 2 + 1] / rows;
          int action = (int) labels[r * 2];
          double logNormalizer = softmax(logits, r * k, k, pi);
          loss += w * (logNormalizer - logits[r * k + action]);
          for (int a = 0; a < k; a++) {
            delta[r * k + a] = w * (pi[a] - (a == action ? 1 : 0));
          }
        }
        return loss;
      }

      @Override
      public void curvature(double[] logits, double[] tangentLogits, int rows, double[] delta, double[] tangentDelta) {
        for (int r = 0; r < rows; r++) {
          double w = labels[r * 2 + 1] / rows;
          int action = (int) labels[r * 2];
          softmax(logits, r * k, k, pi);
          double mean = 0;
          for (int a = 0; a < k; a++) {
            mean += pi[a] * tangentLogits[r * k + a];
          }
          for (int a = 0; a < k; a++) {
            delta[r * k + a] = w * (pi[a] - (a == action ? 1 : 0));
            tangentDelta[r * k + a] = w * pi[a] * (tangentLogits[r * k + a] - mean);
          }
        }
      }
    };
  }

  /** Writes softmax(z[from .. from + k)) into {@code pi}; returns logsumexp, computed stably. */
  private static double softmax(double[] z, int from, int k, double[] pi) {
    double max = Double.NEGATIVE_INFINITY;
    for (int a = 0; a < k; a++) {
      max = Math.max(max, z[from + a]);
    }
    double sum = 0;
    for (int a = 0; a < k; a++) {
      pi[a] = Math.exp(z[from + a] - max);
      sum += pi[a];
    }
    for (int a = 0; a < k; a++) {
      pi[a] /= sum;
    }
    return max + Math.log(sum);
  }
}
