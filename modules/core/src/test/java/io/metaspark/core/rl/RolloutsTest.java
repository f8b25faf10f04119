package io.metaspark.core.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.core.task.Examples;
import io.metaspark.core.task.TaskDescriptor;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Rollouts: deterministic from (task seed, collection, parameters), rllab's advantages, clear errors. */
class RolloutsTest {
  private static final RolloutSettings SETTINGS = new RolloutSettings(5, 5, 0.99, 1.0);
  private static final Navigation2d NAVIGATION = new Navigation2d(30);

  @Test
  void theSameTaskCollectionAndParametersGiveTheSameTrajectoriesAnotherCollectionOthers() {
    Policy policy = Policy.over(PolicyGradientTest.mlp("2-8-2").newLearner(), 2, NAVIGATION.actionSpace());
    double[] params = Arrays.copyOf(PolicyGradientTest.mlp("2-8-2").initialParams(), policy.numParams());
    EnvironmentTask task = new EnvironmentTask(new TaskDescriptor(3, 1, 1234), NAVIGATION, SETTINGS);
    Examples first = task.rollouts(policy, params, 5, 0).examples();
    // another policy instance (another executor thread) and a collection in between change nothing
    Policy other = Policy.over(PolicyGradientTest.mlp("2-8-2").newLearner(), 2, NAVIGATION.actionSpace());
    task.rollouts(other, params, 5, 1);
    Examples again = new EnvironmentTask(new TaskDescriptor(3, 1, 1234), NAVIGATION, SETTINGS)
        .rollouts(other, params, 5, 0).examples();
    assertEquals(first.features(), again.features());
    assertEquals(first.labels(), again.labels());
    assertEquals(150, first.size(), "5 trajectories of 30 steps: random actions do not reach the goal");
    assertFalse(first.labels().equals(task.rollouts(policy, params, 5, 1).examples().labels()));
  }

  @Test
  void theLinearFeatureBaselineReproducesReturnsItsFeaturesSpan() {
    // returns that are exactly 2 o + 3 o^2 - t/100 + 0.5 in a 1-d observation: the fit recovers them
    SplittableRandom random = new SplittableRandom(2);
    double[] observations = random.doubles(40, -1, 1).toArray();
    double[] returns = new double[40];
    for (int t = 0; t < 40; t++) {
      double o = observations[t];
      returns[t] = 2 * o + 3 * o * o - t / 100.0 + 0.5;
    }
    Episode episode = new Episode(observations, new double[40], new double[40]);
    double[][] baseline = LinearFeatureBaseline.fitAndPredict(List.of(episode), new double[][] {returns}, 1);
    assertArrayEquals(returns, baseline[0], 1e-4);
  }

  @Test
  void discountedSumsRunBackwardsFromTheEpisodesEnd() {
    assertArrayEquals(new double[] {1 + 0.5 * (2 + 0.5 * 4), 2 + 0.5 * 4, 4},
        Rollouts.discountedSums(new double[] {1, 2, 4}, 0.5), 1e-15);
  }

  @Test
  void advantagesAreStandardizedAndTheAverageReturnIsTheUndiscountedMean() {
    Policy policy = Policy.over(PolicyGradientTest.mlp("2-8-2").newLearner(), 2, NAVIGATION.actionSpace());
    double[] params = Arrays.copyOf(PolicyGradientTest.mlp("2-8-2").initialParams(), policy.numParams());
    Rollouts rollouts = new EnvironmentTask(new TaskDescriptor(0, 0, 5), NAVIGATION, SETTINGS)
        .rollouts(policy, params, 5, 0);
    double[] advantages = rollouts.examples().labels().getColumn(2).dup().data().asDouble();
    double mean = Arrays.stream(advantages).average().orElseThrow();
    double variance = Arrays.stream(advantages).map(a -> (a - mean) * (a - mean)).average().orElseThrow();
    assertEquals(0, mean, 1e-12);
    assertEquals(1, variance, 1e-6);
    // every reward is minus a distance in a square of side 1 plus 30 moves of at most 0.1 per axis
    assertTrue(rollouts.averageReturn() < 0 && rollouts.averageReturn() > -30 * Math.sqrt(2) * 3.5,
        String.valueOf(rollouts.averageReturn()));
  }

  @Test
  void aNonFiniteRewardOrObservationNamesTheTaskTrajectoryAndStep() {
    Policy policy = Policy.over(PolicyGradientTest.mlp("1-2").newLearner(), 1, ActionSpace.discrete(2));
    double[] params = PolicyGradientTest.mlp("1-2").initialParams();
    EnvironmentTask rewards = new EnvironmentTask(new TaskDescriptor(4, 2, 77), new Faulty(false), SETTINGS);
    IllegalStateException reward = assertThrows(IllegalStateException.class,
        () -> rewards.rollouts(policy, params, 2, 0));
    assertTrue(reward.getMessage().contains("task(iteration=4, index=2, seed=77), trajectory 0, step 3: the environment"
        + " gave the reward NaN"), reward.getMessage());
    EnvironmentTask observations = new EnvironmentTask(new TaskDescriptor(4, 2, 77), new Faulty(true), SETTINGS);
    IllegalStateException observation = assertThrows(IllegalStateException.class,
        () -> observations.rollouts(policy, params, 2, 0));
    assertTrue(observation.getMessage().contains("trajectory 0, step 4: the environment gave the non-finite observation"
        + " [Infinity]"), observation.getMessage());
  }

  @Test
  void thePlainTaskCallsSayThatEnvironmentsNeedAReinforcementLearningAlgorithm() {
    EnvironmentTask task = new EnvironmentTask(new TaskDescriptor(0, 0, 1), NAVIGATION, SETTINGS);
    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
        () -> task.support(new double[1], 0));
    assertTrue(e.getMessage().contains("only a reinforcement-learning algorithm (maml-rl, fomaml-rl, reptile-rl)"),
        e.getMessage());
  }

  @Test
  void badRolloutSettingsAreRefusedNamingTheValue() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new RolloutSettings(0, 5, 0.99, 1)).getMessage()
        .contains("got 0 and 5"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new RolloutSettings(5, 5, 1.5, 1)).getMessage()
        .contains("discount must be in (0, 1], got 1.5"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new RolloutSettings(5, 5, 0.9, -0.1)).getMessage()
        .contains("lambda must be in [0, 1], got -0.1"));
  }

  /** Rewards 0 until step 3, then NaN; or observations 0 until step 4, then infinite. */
  private record Faulty(boolean badObservation) implements EnvironmentFamily {
    @Override
    public Environment create(long taskSeed) {
      return new Environment() {
        private int t;

        @Override
        public double[] reset() {
          t = 0;
          return new double[] {0};
        }

        @Override
        public Step step(double[] action, SplittableRandom random) {
          t++;
          if (badObservation) {
            return new Step(new double[] {t == 4 ? Double.POSITIVE_INFINITY : 0}, 0, false);
          }
          return new Step(new double[] {0}, t == 4 ? Double.NaN : 0, false);
        }
      };
    }

    @Override
    public int observationSize() {
      return 1;
    }

    @Override
    public ActionSpace actionSpace() {
      return ActionSpace.discrete(2);
    }

    @Override
    public int horizon() {
      return 10;
    }

    @Override
    public String describe() {
      return "faulty";
    }
  }
}
