package io.metaspark.core.rl;

import io.metaspark.core.task.Examples;
import io.metaspark.core.task.Task;
import io.metaspark.core.task.TaskDescriptor;
import io.metaspark.core.task.TaskSeeds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A reinforcement-learning task: its environment, drawn from the task's seed, and rollouts of a
 * policy in it. Rollouts are a pure function of (task seed, which collection, parameters): the
 * environment comes from the task seed, and the policy's and the environment's random draws from a
 * seed mixed from the task seed and the collection's number, so every executor and every retry
 * collects the same trajectories.
 *
 * <p>Its examples are its policy's rollouts, so it needs the policy, which the plain {@link Task}
 * calls do not hand it: algorithms for environments ({@link PolicyGradientAlgorithm}) call
 * {@link #rollouts}, and the {@link Task} calls refuse, saying so.
 */
public final class EnvironmentTask implements Task {
  private final TaskDescriptor descriptor;
  private final EnvironmentFamily family;
  private final RolloutSettings settings;

  public EnvironmentTask(TaskDescriptor descriptor, EnvironmentFamily family, RolloutSettings settings) {
    this.descriptor = descriptor;
    this.family = family;
    this.settings = settings;
  }

  @Override
  public TaskDescriptor descriptor() {
    return descriptor;
  }

  public RolloutSettings settings() {
    return settings;
  }

  /**
   * {@code trajectories} episodes of {@code policy} with parameters {@code params}, the random
   * draws from collection {@code collection} of this task (0, 1, ...: each inner step's support
   * and the query take their own).
   */
  public Rollouts rollouts(Policy policy, double[] params, int trajectories, long collection) {
    int observationSize = family.observationSize();
    int entries = family.actionSpace().entries();
    SplittableRandom random = new SplittableRandom(TaskSeeds.of(descriptor.seed(), collection, trajectories));
    Environment[] environments = new Environment[trajectories];
    double[] observations = new double[trajectories * observationSize];
    List<List<double[]>> seen = new ArrayList<>();
    List<List<double[]>> taken = new ArrayList<>();
    List<List<Double>> rewards = new ArrayList<>();
    boolean[] running = new boolean[trajectories];
    for (int m = 0; m < trajectories; m++) {
      environments[m] = family.create(descriptor.seed());
      double[] first = environments[m].reset();
      checkObservation(first, m, 0);
      System.arraycopy(first, 0, observations, m * observationSize, observationSize);
      seen.add(new ArrayList<>());
      taken.add(new ArrayList<>());
      rewards.add(new ArrayList<>());
      running[m] = true;
    }
    int[] rows = new int[trajectories];
    double[] batch = new double[trajectories * observationSize];
    double[] actions = new double[trajectories * entries];
    for (int t = 0; t < family.horizon(); t++) {
      int live = 0;
      for (int m = 0; m < trajectories; m++) {
        if (running[m]) {
          System.arraycopy(observations, m * observationSize, batch, live * observationSize, observationSize);
          rows[live++] = m;
        }
      }
      if (live == 0) {
        break;
      }
      policy.act(params, batch, live, random, actions);
      for (int i = 0; i < live; i++) {
        int m = rows[i];
        double[] observation = Arrays.copyOfRange(batch, i * observationSize, (i + 1) * observationSize);
        double[] action = Arrays.copyOfRange(actions, i * entries, (i + 1) * entries);
        Environment.Step step = environments[m].step(action, random);
        if (!Double.isFinite(step.reward())) {
          throw new IllegalStateException(descriptor + ", trajectory " + m + ", step " + t + ": the environment gave"
              + " the reward " + step.reward() + " for the action " + Arrays.toString(action));
        }
        checkObservation(step.observation(), m, t + 1);
        seen.get(m).add(observation);
        taken.get(m).add(action);
        rewards.get(m).add(step.reward());
        System.arraycopy(step.observation(), 0, observations, m * observationSize, observationSize);
        running[m] = !step.done();
      }
    }
    List<Episode> episodes = new ArrayList<>(trajectories);
    for (int m = 0; m < trajectories; m++) {
      episodes.add(new Episode(flatten(seen.get(m)), flatten(taken.get(m)),
          rewards.get(m).stream().mapToDouble(Double::doubleValue).toArray()));
    }
    return new Rollouts(episodes, observationSize, entries, settings);
  }

  @Override
  public Examples support(double[] params, int round) {
    throw needsPolicy();
  }

  @Override
  public Examples query(double[] params, int round) {
    throw needsPolicy();
  }

  private UnsupportedOperationException needsPolicy() {
    return new UnsupportedOperationException(family.describe() + " tasks are environments: their examples are a"
        + " policy's rollouts, which only a reinforcement-learning algorithm (maml-rl, fomaml-rl, reptile-rl)"
        + " collects");
  }

  private void checkObservation(double[] observation, int trajectory, int step) {
    if (observation.length != family.observationSize()) {
      throw new IllegalStateException(descriptor + ", trajectory " + trajectory + ", step " + step + ": an observation"
          + " of " + observation.length + " entries, the family declares " + family.observationSize());
    }
    for (double value : observation) {
      if (!Double.isFinite(value)) {
        throw new IllegalStateException(descriptor + ", trajectory " + trajectory + ", step " + step
            + ": the environment gave the non-finite observation " + Arrays.toString(observation));
      }
    }
  }

  private static double[] flatten(List<double[]> rows) {
    int width = rows.isEmpty() ? 0 : rows.get(0).length;
    double[] out = new double[rows.size() * width];
    for (int i = 0; i < rows.size(); i++) {
      System.arraycopy(rows.get(i), 0, out, i * width, width);
    }
    return out;
  }
}
