package io.metaspark.core.rl;

import io.metaspark.core.model.DenseLearner;
import io.metaspark.core.task.Examples;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A softmax over discrete actions: the network gives one logit per action, pi = softmax(logits).
 * No parameters of its own. -log pi(a | s) = logsumexp(z) - z_a, whose gradient in z is pi - e_a
 * and whose curvature along Rz is pi ⊙ (Rz - pi·Rz): also the Fisher information in z,
 * diag(pi) - pi pi^T, whatever the action.
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

  @Override
  DenseLearner.OutputLoss outputFisher(double[] params) {
    int k = space.size();
    return new DenseLearner.OutputLoss() {
      private final double[] pi = new double[k];

      @Override
      public double gradient(double[] logits, int rows, double[] delta) {
        Arrays.fill(delta, 0, rows * k, 0);
        return 0;
      }

      @Override
      public void curvature(double[] logits, double[] tangentLogits, int rows, double[] delta, double[] tangentDelta) {
        gradient(logits, rows, delta);
        for (int r = 0; r < rows; r++) {
          softmax(logits, r * k, k, pi);
          double mean = 0;
          for (int a = 0; a < k; a++) {
            mean += pi[a] * tangentLogits[r * k + a];
          }
          for (int a = 0; a < k; a++) {
            tangentDelta[r * k + a] = pi[a] * (tangentLogits[r * k + a] - mean) / rows;
          }
        }
      }

      @Override
      public boolean zeroGradient() {
        return true;
      }
    };
  }

  /** sum_a p_old(a) (log p_old(a) - log p(a)) per row, as {@link Categoricals#meanKlFrom}: d/dlogits = p - p_old. */
  @Override
  Surrogate klFrom(double[] params, Distributions old) {
    double[] before = ((Categoricals) old).logProbabilities;
    int k = space.size();
    return new Surrogate(0) {
      @Override
      public double gradient(double[] logits, int rows, double[] delta) {
        double[] pi = new double[k];
        double total = 0;
        for (int r = 0; r < rows; r++) {
          double logNormalizer = softmax(logits, r * k, k, pi);
          for (int a = 0; a < k; a++) {
            int i = r * k + a;
            double pOld = Math.exp(before[i]);
            total += pOld * (before[i] - (logits[i] - logNormalizer));
            delta[i] = (pi[a] - pOld) / rows;
          }
        }
        return total / rows;
      }

      @Override
      public void curvature(double[] logits, double[] tangentLogits, int rows, double[] delta, double[] tangentDelta) {
        throw new UnsupportedOperationException("the KL's gradient only");
      }
    };
  }

  @Override
  void ownFisher(double[] v, double[] out) {
    // no parameters of its own
  }

  @Override
  public Distributions distributions(double[] params, Examples examples) {
    int rows = examples.size();
    int k = space.size();
    double[] logits = networkOutputs(params, rowMajor(examples.features()), rows);
    double[] logProbabilities = new double[rows * k];
    double[] pi = new double[k];
    for (int r = 0; r < rows; r++) {
      double logNormalizer = softmax(logits, r * k, k, pi);
      for (int a = 0; a < k; a++) {
        logProbabilities[r * k + a] = logits[r * k + a] - logNormalizer;
      }
    }
    return new Categoricals(logProbabilities, rowMajor(examples.labels()), rows, k);
  }

  /** Each row's log probabilities of the k actions. */
  private record Categoricals(double[] logProbabilities, double[] labels, int rows, int k) implements Distributions {
    @Override
    public double[] logLikelihoods() {
      double[] out = new double[rows];
      for (int r = 0; r < rows; r++) {
        out[r] = logProbabilities[r * k + (int) labels[r * 2]];
      }
      return out;
    }

    @Override
    public double meanKlFrom(Distributions old) {
      double[] before = ((Categoricals) old).logProbabilities;
      double total = 0;
      for (int i = 0; i < rows * k; i++) {
        total += Math.exp(before[i]) * (before[i] - logProbabilities[i]);
      }
      return total / rows;
    }
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
