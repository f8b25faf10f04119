package io.metaspark.core.rl;

import io.metaspark.core.model.DenseLearner;
import java.util.SplittableRandom;

/**
 * A diagonal Gaussian over continuous actions: the network gives the mean, and the log standard
 * deviations are parameters of their own, one per action dimension, independent of the state (as
 * in the MAML-RL and rllab policies). Parameters: the network's, then the log standard deviations.
 *
 * <p>-log pi(a | s) = sum_d (a_d - mu_d)^2 e^{-2 l_d} / 2 + l_d + log(2 pi) / 2.
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
}
