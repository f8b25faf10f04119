package io.metaspark.core.rl;

/**
 * One instance of a task's environment, drawn from the task's seed by its {@link EnvironmentFamily}:
 * everything random about the task (a goal, the arms' probabilities) is fixed when it is created,
 * and {@link #step} is random only through the {@code random} it is handed, so a rollout is a pure
 * function of the seeds and the policy's parameters. Not thread-safe; one per rollout.
 */
public interface Environment {
  /** Starts an episode; returns the first observation (of {@link EnvironmentFamily#observationSize} entries). */
  double[] reset();

  /**
   * Takes {@code action} (as {@link ActionSpace#entries} values) and returns what followed. Random
   * outcomes (a bandit's reward) are drawn from {@code random}.
   */
  Step step(double[] action, java.util.SplittableRandom random);

  /** What one step gave: the next observation, the reward, and whether the episode is over. */
  record Step(double[] observation, double reward, boolean done) {}
}
