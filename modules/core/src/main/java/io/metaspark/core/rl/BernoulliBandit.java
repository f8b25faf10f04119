package io.metaspark.core.rl;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Multi-armed Bernoulli bandits (as in Duan et al.'s RL^2 experiments): a task's {@code arms} arms
 * pay 1 with probabilities drawn uniform in [0, 1] from the task's seed, and an episode is
 * {@code pulls} pulls. The observation carries nothing (a constant 1), so a feed-forward policy's
 * knowledge of the arms is all in its parameters: what adaptation changes.
 */
public final class BernoulliBandit implements EnvironmentFamily {
  private final int arms;
  private final int pulls;
  /** Every task's arm probabilities, or null when each task draws its own. */
  private final double[] probabilities;

  public BernoulliBandit(int arms, int pulls) {
    this(arms, pulls, null);
  }

  private BernoulliBandit(int arms, int pulls, double[] probabilities) {
    if (arms < 2) {
      throw new IllegalArgumentException("a bandit needs at least 2 arms, got " + arms);
    }
    if (pulls < 1) {
      throw new IllegalArgumentException("a bandit episode needs at least 1 pull, got " + pulls);
    }
    this.arms = arms;
    this.pulls = pulls;
    this.probabilities = probabilities;
  }

  /**
   * These bandits with the arms paying 1 with probabilities {@code p} for every seed: one given
   * bandit, as adapt takes it. As many probabilities as arms, each in [0, 1], or an error naming
   * the one that is not.
   */
  public BernoulliBandit withProbabilities(double[] p) {
    if (p.length != arms) {
      throw new IllegalArgumentException(p.length + " arm probabilities " + Arrays.toString(p) + " for bandits of "
          + arms + " arms");
    }
    for (int a = 0; a < p.length; a++) {
      if (!(p[a] >= 0 && p[a] <= 1)) {
        throw new IllegalArgumentException("arm " + a + "'s probability " + p[a] + " is not in [0, 1]");
      }
    }
    return new BernoulliBandit(arms, pulls, p.clone());
  }

  @Override
  public Arms create(long taskSeed) {
    if (probabilities != null) {
      return new Arms(probabilities.clone());
    }
    SplittableRandom random = new SplittableRandom(taskSeed);
    double[] p = new double[arms];
    for (int a = 0; a < arms; a++) {
      p[a] = random.nextDouble();
    }
    return new Arms(p);
  }

  @Override
  public int observationSize() {
    return 1;
  }

  @Override
  public ActionSpace actionSpace() {
    return ActionSpace.discrete(arms);
  }

  @Override
  public int horizon() {
    return pulls;
  }

  @Override
  public String describe() {
    String p = probabilities == null ? "p ~ U[0, 1]" : "p = " + Arrays.toString(probabilities);
    return "bandit(" + arms + " Bernoulli arms " + p + ", " + pulls + " pulls)";
  }

  /** One task's arms. */
  public static final class Arms implements Environment {
    private final double[] p;

    Arms(double[] p) {
      this.p = p;
    }

    public int count() {
      return p.length;
    }

    /** The arms' probabilities of paying 1. */
    public double[] probabilities() {
      return p.clone();
    }

    /** Draws arm {@code arm}'s reward: 1 with its probability, else 0. */
    public double pull(int arm, SplittableRandom random) {
      if (arm < 0 || arm >= p.length) {
        throw new IllegalArgumentException("arm " + arm + " does not exist; the bandit has " + p.length);
      }
      return random.nextDouble() < p[arm] ? 1 : 0;
    }

    @Override
    public double[] reset() {
      return new double[] {1};
    }

    @Override
    public Step step(double[] action, SplittableRandom random) {
      return new Step(new double[] {1}, pull((int) action[0], random), false);
    }
  }
}
