package io.metaspark.core.rl;

import io.metaspark.core.model.DenseLearner;
import io.metaspark.core.task.Examples;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A diagonal Gaussian over continuous actions: the network gives the mean, and the log standard
 * deviations are parameters of their own, one per action dimension, independent of the state (as
 * in the MAML-RL and rllab policies). Parameters: the network's, then the log standard deviations.
 *
 * <p>-log pi(a | s) = sum_d (a_d - mu_d)^2 e^{-2 l_d} / 2 + l_d + log(2 pi) / 2. Its Fisher
 * information is e^{-2 l_d} in each mean and 2 in each log standard deviation, with no cross terms.
 */
final class GaussianPolicy extends Policy {
  private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

  GaussianPolicy(DenseLearner network, ActionSpace space) {
    super(network, space);
  }

  @Override
  public int ownParams() {
    return space.size();
  }

  @Override
  public void act(double[] params, double[] observations, int rows, SplittableRandom random, double[] actions) {
    double[] means = networkOutputs(params, observations, rows);
    int d = space.size();
    int n = network.numParams();
    for (int r = 0; r < rows; r++) {
      for (int k = 0; k < d; k++) {
        actions[r * d + k] = means[r * d + k] + Math.exp(params[n + k]) * random.nextGaussian();
      }
    }
  }

  @Override
  Surrogate surrogate(double[] params, double[] labels) {
    int d = space.size();
    double[] precision = new double[d];
    double[] logStd = new double[d];
    for (int k = 0; k < d; k++) {
      logStd[k] = params[network.numParams() + k];
      precision[k] = Math.exp(-2 * logStd[k]);
    }
    return new Surrogate(d) {
      @Override
      public double gradient(double[] means, int rows, double[] delta) {
        double loss = 0;
        for (int r = 0; r < rows; r++) {
          double w = labels[r * (d + 1) + d] / rows;
          for (int k = 0; k < d; k++) {
            double error = labels[r * (d + 1) + k] - means[r * d + k];
            loss += w * (error * error * precision[k] / 2 + logStd[k] + HALF_LOG_TWO_PI);
            delta[r * d + k] = -w * error * precision[k];
            ownGradient[k] += w * (1 - error * error * precision[k]);
          }
        }
        return loss;
      }

      @Override
      public void curvature(double[] means, double[] tangentMeans, int rows, double[] delta, double[] tangentDelta) {
        for (int r = 0; r < rows; r++) {
          double w = labels[r * (d + 1) + d] / rows;
          for (int k = 0; k < d; k++) {
            int i = r * d + k;
            double error = labels[r * (d + 1) + k] - means[i];
            delta[i] = -w * error * precision[k];
            tangentDelta[i] = w * precision[k] * (tangentMeans[i] + 2 * error * ownDirection[k]);
            ownCurvature[k] += 2 * w * precision[k] * (error * error * ownDirection[k] + error * tangentMeans[i]);
          }
        }
      }
    };
  }

  /**
   * Per row and dimension l - l_old + (s_old^2 + (mu_old - mu)^2) / (2 s^2) - 1/2, as {@link
   * Gaussians#meanKlFrom}: d/dmu = (mu - mu_old) / s^2, d/dl = 1 - (s_old^2 + (mu_old - mu)^2) / s^2.
   */
  @Override
  Surrogate klFrom(double[] params, Distributions old) {
    Gaussians o = (Gaussians) old;
    int d = space.size();
    double[] logStd = Arrays.copyOfRange(params, network.numParams(), numParams());
    return new Surrogate(d) {
      @Override
      public double gradient(double[] means, int rows, double[] delta) {
        double total = 0;
        for (int r = 0; r < rows; r++) {
          for (int k = 0; k < d; k++) {
            double gap = o.means[r * d + k] - means[r * d + k];
            double spread = (Math.exp(2 * o.logStd[k]) + gap * gap) * Math.exp(-2 * logStd[k]);
            total += logStd[k] - o.logStd[k] + spread / 2 - 0.5;
            delta[r * d + k] = -gap * Math.exp(-2 * logStd[k]) / rows;
            ownGradient[k] += (1 - spread) / rows;
          }
        }
        return total / rows;
      }

      @Override
      public void curvature(double[] means, double[] tangentMeans, int rows, double[] delta, double[] tangentDelta) {
        throw new UnsupportedOperationException("the KL's gradient only");
      }
    };
  }

  @Override
  DenseLearner.OutputLoss outputFisher(double[] params) {
    int d = space.size();
    double[] precision = new double[d];
    for (int k = 0; k < d; k++) {
      precision[k] = Math.exp(-2 * params[network.numParams() + k]);
    }
    return new DenseLearner.OutputLoss() {
      @Override
      public double gradient(double[] means, int rows, double[] delta) {
        Arrays.fill(delta, 0, rows * d, 0);
        return 0;
      }

      @Override
      public void curvature(double[] means, double[] tangentMeans, int rows, double[] delta, double[] tangentDelta) {
        gradient(means, rows, delta);
        for (int i = 0; i < rows * d; i++) {
          tangentDelta[i] = precision[i % d] * tangentMeans[i] / rows;
        }
      }

      @Override
      public boolean zeroGradient() {
        return true;
      }
    };
  }

  @Override
  void ownFisher(double[] v, double[] out) {
    int n = network.numParams();
    for (int k = 0; k < space.size(); k++) {
      out[n + k] = 2 * v[n + k];
    }
  }

  @Override
  public Distributions distributions(double[] params, Examples examples) {
    int rows = examples.size();
    double[] means = networkOutputs(params, rowMajor(examples.features()), rows);
    double[] logStd = Arrays.copyOfRange(params, network.numParams(), numParams());
    return new Gaussians(means, logStd, rowMajor(examples.labels()), rows);
  }

  /** Diagonal Gaussians: each row's means, one log standard deviation per dimension for all rows. */
  private record Gaussians(double[] means, double[] logStd, double[] labels, int rows) implements Distributions {
    @Override
    public double[] logLikelihoods() {
      int d = logStd.length;
      double[] out = new double[rows];
      for (int r = 0; r < rows; r++) {
        for (int k = 0; k < d; k++) {
          double z = (labels[r * (d + 1) + k] - means[r * d + k]) * Math.exp(-logStd[k]);
          out[r] -= z * z / 2 + logStd[k] + HALF_LOG_TWO_PI;
        }
      }
      return out;
    }

    /** Per dimension: l - l_old + (s_old^2 + (mu_old - mu)^2) / (2 s^2) - 1/2. */
    @Override
    public double meanKlFrom(Distributions old) {
      Gaussians o = (Gaussians) old;
      int d = logStd.length;
      double total = 0;
      for (int r = 0; r < rows; r++) {
        for (int k = 0; k < d; k++) {
          double gap = o.means[r * d + k] - means[r * d + k];
          total += logStd[k] - o.logStd[k]
              + (Math.exp(2 * o.logStd[k]) + gap * gap) * Math.exp(-2 * logStd[k]) / 2 - 0.5;
        }
      }
      return total / rows;
    }
  }
}
