package io.metaspark.core.rl;

/**
 * One trajectory: the observations s_t the actions were taken in [length, observations], the
 * actions [length, action entries] and the rewards r_t, row-major.
 */
record Episode(double[] observations, double[] actions, double[] rewards) {
  int length() {
    return rewards.length;
  }

  /** The undiscounted sum of the rewards: the return the MAML paper reports. */
  double totalReward() {
    double total = 0;
    for (double r : rewards) {
      total += r;
    }
    return total;
  }
}
