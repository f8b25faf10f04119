package io.metaspark.core.rl;

import java.io.Serializable;

/**
 * How a task's rollouts become policy-gradient examples.
 *
 * @param supportTrajectories trajectories collected for each inner step
 * @param queryTrajectories trajectories collected with the adapted policy, for the meta-gradient
 * @param discount gamma, in (0, 1]
 * @param gaeLambda lambda of generalized advantage estimation, in [0, 1]; 1 is the discounted
 *     return minus the baseline, as MAML-RL uses
 */
public record RolloutSettings(int supportTrajectories, int queryTrajectories, double discount, double gaeLambda)
    implements Serializable {
  public RolloutSettings {
    if (supportTrajectories < 1 || queryTrajectories < 1) {
      throw new IllegalArgumentException("a task needs at least 1 support and 1 query trajectory, got "
          + supportTrajectories + " and " + queryTrajectories);
    }
    if (!(discount > 0 && discount <= 1)) {
      throw new IllegalArgumentException("the discount must be in (0, 1], got " + discount);
    }
    if (!(gaeLambda >= 0 && gaeLambda <= 1)) {
      throw new IllegalArgumentException("the GAE lambda must be in [0, 1], got " + gaeLambda);
    }
  }
}
