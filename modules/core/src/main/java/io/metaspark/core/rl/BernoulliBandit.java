package io.metaspark.core.rl;

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

  public BernoulliBandit(int arms, int pulls) {
    if (arms < 2) {
      throw new IllegalArgumentException("a bandit needs at least 2 arms, got " + arms);
    }
    if (pulls < 1) {
      throw new IllegalArgumentException("a bandit episode needs at least 1 pull, got " + pulls);
    }
    this.arms = arms;
    this.pulls = pulls;
  }

  @Override
  public Arms create(long taskSeed) {
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
    return "bandit(" + arms + " Bernoulli arms p ~ U[0, 1], " + pulls + " pulls)";
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
