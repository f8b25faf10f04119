package io.metaspark.core.rl;

import java.util.SplittableRandom;

/**
 * A classical bandit algorithm, the yardstick a meta-learned policy is compared with on the same
 * bandits: it plays {@code pulls} pulls and its total reward is what it earned.
 */
public interface BanditStrategy {
  /** Total reward over {@code pulls} pulls of {@code bandit}, all random draws from {@code random}. */
  double play(BernoulliBandit.Arms bandit, int pulls, SplittableRandom random);

  String name();

  /**
   * The average total reward over {@code episodes} episodes of {@code pulls} pulls on one bandit,
   * each episode's draws from its own split of {@code seed}: the baseline's row of an evaluation,
   * on the same bandit as the policy's, averaged over as many episodes as the policy's.
   */
  default double averageTotal(BernoulliBandit.Arms bandit, int pulls, int episodes, long seed) {
    if (episodes < 1) {
      throw new IllegalArgumentException("at least 1 episode, got " + episodes);
    }
    SplittableRandom random = new SplittableRandom(seed);
    double total = 0;
    for (int e = 0; e < episodes; e++) {
      total += play(bandit, pulls, random.split());
    }
    return total / episodes;
  }

  /**
   * UCB1 (Auer, Cesa-Bianchi and Fischer 2002): each arm once, then the arm with the highest
   * mean + c sqrt(2 ln t / n_a), ties to the lowest index; c = 1 is Auer et al.'s bound, and RL^2's
   * comparison tunes c.
   */
  static BanditStrategy ucb1(double c) {
    if (!(c >= 0) || !Double.isFinite(c)) {
      throw new IllegalArgumentException("UCB1's exploration constant must be >= 0, got " + c);
    }
    return new BanditStrategy() {
      @Override
      public double play(BernoulliBandit.Arms bandit, int pulls, SplittableRandom random) {
        int arms = bandit.count();
        double[] sums = new double[arms];
        int[] counts = new int[arms];
        double total = 0;
        for (int t = 0; t < pulls; t++) {
          int arm = t < arms ? t : bestBound(sums, counts, t);
          double reward = bandit.pull(arm, random);
          sums[arm] += reward;
          counts[arm]++;
          total += reward;
        }
        return total;
      }

      private int bestBound(double[] sums, int[] counts, int t) {
        int best = 0;
        double bestValue = Double.NEGATIVE_INFINITY;
        for (int a = 0; a < sums.length; a++) {
          double value = sums[a] / counts[a] + c * Math.sqrt(2 * Math.log(t) / counts[a]);
          if (value > bestValue) {
            bestValue = value;
            best = a;
          }
        }
        return best;
      }

      @Override
      public String name() {
        return "ucb1(c=" + c + ")";
      }
    };
  }

  /**
   * Thompson sampling with Beta(1, 1) priors: each pull draws every arm's probability from its
   * posterior and pulls the arm whose draw is highest.
   */
  static BanditStrategy thompson() {
    return new BanditStrategy() {
      @Override
      public double play(BernoulliBandit.Arms bandit, int pulls, SplittableRandom random) {
        int arms = bandit.count();
        int[] wins = new int[arms];
        int[] losses = new int[arms];
        double total = 0;
        for (int t = 0; t < pulls; t++) {
          int best = 0;
          double bestDraw = Double.NEGATIVE_INFINITY;
          for (int a = 0; a < arms; a++) {
            double draw = BetaDraw.of(1 + wins[a], 1 + losses[a], random);
            if (draw > bestDraw) {
              bestDraw = draw;
              best = a;
            }
          }
          double reward = bandit.pull(best, random);
          if (reward > 0) {
            wins[best]++;
          } else {
            losses[best]++;
          }
          total += reward;
        }
        return total;
      }

      @Override
      public String name() {
        return "thompson";
      }
    };
  }
}
