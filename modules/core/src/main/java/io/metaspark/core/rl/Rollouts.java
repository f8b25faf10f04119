package io.metaspark.core.rl;

import io.metaspark.core.task.Examples;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A task's trajectories under one policy, and the policy-gradient examples they give: each step's
 * observation with its action and advantage, the advantage estimated as rllab's MAML-RL does it
 * (discounted returns, a linear feature baseline fitted to this batch, GAE(lambda) over the
 * baseline, then standardized over the batch, which rllab calls centering).
 */
public final class Rollouts {
  private final List<Episode> episodes;
  private final Examples examples;

  Rollouts(List<Episode> episodes, int observationSize, int actionEntries, RolloutSettings settings) {
    this.episodes = List.copyOf(episodes);
    double[][] returns = new double[episodes.size()][];
    int steps = 0;
    for (int e = 0; e < episodes.size(); e++) {
      returns[e] = discountedSums(episodes.get(e).rewards(), settings.discount());
      steps += episodes.get(e).length();
    }
    double[][] baseline = LinearFeatureBaseline.fitAndPredict(episodes, returns, observationSize);
    double[] advantages = new double[steps];
    int at = 0;
    for (int e = 0; e < episodes.size(); e++) {
      double[] rewards = episodes.get(e).rewards();
      double[] residuals = new double[rewards.length];
      for (int t = 0; t < rewards.length; t++) {
        double next = t + 1 < rewards.length ? baseline[e][t + 1] : 0;
        residuals[t] = rewards[t] + settings.discount() * next - baseline[e][t];
      }
      double[] episodeAdvantages = discountedSums(residuals, settings.discount() * settings.gaeLambda());
      System.arraycopy(episodeAdvantages, 0, advantages, at, rewards.length);
      at += rewards.length;
    }
    standardize(advantages);
    double[] features = new double[steps * observationSize];
    double[] labels = new double[steps * (actionEntries + 1)];
    at = 0;
    for (Episode episode : episodes) {
      System.arraycopy(episode.observations(), 0, features, at * observationSize, episode.length() * observationSize);
      for (int t = 0; t < episode.length(); t++) {
        int row = (at + t) * (actionEntries + 1);
        System.arraycopy(episode.actions(), t * actionEntries, labels, row, actionEntries);
        labels[row + actionEntries] = advantages[at + t];
      }
      at += episode.length();
    }
    this.examples = new Examples(Nd4j.create(features, new long[] {steps, observationSize}, DataType.DOUBLE),
        Nd4j.create(labels, new long[] {steps, actionEntries + 1}, DataType.DOUBLE));
  }

  /** Observations as features, [action entries, advantage] as labels: what {@link Policy}'s surrogate takes. */
  public Examples examples() {
    return examples;
  }

  /** The mean over trajectories of the undiscounted sum of rewards. */
  public double averageReturn() {
    double sum = 0;
    for (Episode episode : episodes) {
      sum += episode.totalReward();
    }
    return sum / episodes.size();
  }

  /** x_t + factor x_{t+1} + factor^2 x_{t+2} + ... for each t. */
  static double[] discountedSums(double[] x, double factor) {
    double[] out = new double[x.length];
    double running = 0;
    for (int t = x.length - 1; t >= 0; t--) {
      running = x[t] + factor * running;
      out[t] = running;
    }
    return out;
  }

  private static void standardize(double[] x) {
    double mean = 0;
    for (double v : x) {
      mean += v;
    }
    mean /= x.length;
    double variance = 0;
    for (double v : x) {
      variance += (v - mean) * (v - mean);
    }
    double scale = 1 / (Math.sqrt(variance / x.length) + 1e-8);
    for (int i = 0; i < x.length; i++) {
      x[i] = (x[i] - mean) * scale;
    }
  }
}
