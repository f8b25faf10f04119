package io.metaspark.core.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.algo.ScalarSgd;
import io.metaspark.core.algo.TaskOutcome;
import io.metaspark.core.model.Learner;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.optim.Adam;
import io.metaspark.core.optim.OptimizerState;
import io.metaspark.core.optim.Update;
import io.metaspark.core.task.Examples;
import io.metaspark.core.task.SinusoidTaskFamily;
import io.metaspark.core.task.TaskDescriptor;
import io.metaspark.core.task.TaskSampler;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * MAML-RL's task contribution: with the sampled trajectories held fixed (the paper's estimator
 * does not differentiate the sampling), the meta-gradient is the exact gradient of
 * L_query(theta - alpha grad L_support(theta)) through one and two inner steps; first order
 * drops the Jacobian; and a little meta-training on 2D navigation raises the return after one step.
 */
class PolicyGradientMamlTest {
  private static final RolloutSettings SETTINGS = new RolloutSettings(3, 3, 0.99, 0.95);
  private static final Navigation2d NAVIGATION = new Navigation2d(12);

  @Test
  void theMetaGradientIsTheGradientOfTheMetaObjectiveThroughOneAndTwoInnerSteps() {
    ModelSpec spec = PolicyGradientTest.mlp("2-6-2");
    Learner learner = spec.newLearner();
    EnvironmentTask task = new EnvironmentTask(new TaskDescriptor(2, 0, 31), NAVIGATION, SETTINGS);
    for (int steps : new int[] {1, 2}) {
      PolicyGradientMaml maml = new PolicyGradientMaml(new Adaptation(new ScalarSgd(0.1), steps), 2,
          NAVIGATION.actionSpace(), -0.3, false);
      double[] meta = maml.init(spec.initialParams());
      double[] analytic = maml.compute(learner, meta, task, true).metaGradient();

      Policy policy = Policy.over(learner, 2, NAVIGATION.actionSpace());
      List<Examples> sets = new ArrayList<>();
      double[] theta = meta.clone();
      for (int s = 0; s < steps; s++) {
        Examples support = task.rollouts(policy, theta, 3, s).examples();
        sets.add(support);
        theta = innerStep(policy, theta, support);
      }
      Examples query = task.rollouts(policy, theta, 3, steps).examples();
      double h = 1e-5;
      double worst = 0;
      for (int i = 0; i < meta.length; i++) {
        double[] plus = meta.clone();
        double[] minus = meta.clone();
        plus[i] += h;
        minus[i] -= h;
        double numeric = (objective(policy, plus, sets, query) - objective(policy, minus, sets, query)) / (2 * h);
        worst = Math.max(worst, Math.abs(numeric - analytic[i]) / (1e-4 + Math.abs(numeric) + Math.abs(analytic[i])));
      }
      assertTrue(worst < 1e-5, steps + " inner steps: relative error " + worst);
    }
  }

  @Test
  void firstOrderIsTheQuerySurrogatesGradientAtTheAdaptedPolicyAndTheLossesAreMinusTheReturns() {
    ModelSpec spec = PolicyGradientTest.mlp("2-6-2");
    Learner learner = spec.newLearner();
    EnvironmentTask task = new EnvironmentTask(new TaskDescriptor(0, 3, 8), NAVIGATION, SETTINGS);
    PolicyGradientMaml firstOrder = new PolicyGradientMaml(new Adaptation(new ScalarSgd(0.1), 1), 2,
        NAVIGATION.actionSpace(), 0, true);
    double[] meta = firstOrder.init(spec.initialParams());
    assertEquals(spec.initialParams().length + 2, meta.length, "two log standard deviations after the network");
    TaskOutcome outcome = firstOrder.compute(learner, meta, task, true);

    Policy policy = Policy.over(learner, 2, NAVIGATION.actionSpace());
    Rollouts support = task.rollouts(policy, meta, 3, 0);
    double[] adapted = innerStep(policy, meta, support.examples());
    Rollouts query = task.rollouts(policy, adapted, 3, 1);
    double[] expected = new double[meta.length];
    policy.lossAndGradient(adapted, query.examples(), expected);
    assertArrayEquals(expected, outcome.metaGradient(), 0);
    assertEquals(-support.averageReturn(), outcome.queryLossBefore(), 0);
    assertEquals(-query.averageReturn(), outcome.queryLossAfter(), 0);
    assertArrayEquals(spec.initialParams(), firstOrder.networkPart(meta), 0);
  }

  @Test
  void metaTrainingOnNavigationRaisesTheReturnAfterOneInnerStep() {
    Navigation2d navigation = new Navigation2d(20);
    EnvironmentTaskFamily family = new EnvironmentTaskFamily(navigation, new RolloutSettings(10, 10, 0.99, 1.0));
    ModelSpec spec = PolicyGradientTest.mlp("2-16-16-2");
    Learner learner = spec.newLearner();
    PolicyGradientMaml maml = new PolicyGradientMaml(new Adaptation(new ScalarSgd(0.1), 1), 2,
        navigation.actionSpace(), 0, false);
    double[] meta = maml.init(spec.initialParams());
    double before = afterOneStep(maml, learner, family, meta);
    Adam adam = Adam.withDefaults(0.01);
    OptimizerState state = adam.init(meta);
    TaskSampler sampler = new TaskSampler(3);
    for (int iteration = 0; iteration < 40; iteration++) {
      double[] mean = new double[meta.length];
      for (TaskDescriptor d : sampler.metaBatch(iteration, 10)) {
        double[] g = maml.compute(learner, meta, family.open(d, DataType.DOUBLE), false).metaGradient();
        for (int i = 0; i < mean.length; i++) {
          mean[i] += g[i] / 10;
        }
      }
      Update update = adam.update(mean, state, meta);
      update.applyTo(meta);
      state = update.state();
    }
    double after = afterOneStep(maml, learner, family, meta);
    assertTrue(after > before + 1, "return after one step: " + before + " before meta-training, " + after + " after");
  }

  @Test
  void theReturnsAfterZeroOneAndTwoStepsAreThoseOfEachStepsOwnRollouts() {
    ModelSpec spec = PolicyGradientTest.mlp("2-6-2");
    Learner learner = spec.newLearner();
    EnvironmentTask task = new EnvironmentTask(new TaskDescriptor(-1, 4, 12), NAVIGATION, SETTINGS);
    PolicyGradientMaml maml = new PolicyGradientMaml(new Adaptation(new ScalarSgd(0.1), 1), 2,
        NAVIGATION.actionSpace(), -0.5, false);
    double[] meta = maml.init(spec.initialParams());
    double[] returns = maml.returnsAfter(learner, meta, task, new int[] {0, 0, 2}, 5);

    Policy policy = Policy.over(learner, 2, NAVIGATION.actionSpace());
    Rollouts first = task.rollouts(policy, meta, 5, 0);
    double[] once = innerStep(policy, meta, first.examples());
    double[] twice = innerStep(policy, once, task.rollouts(policy, once, 5, 1).examples());
    assertArrayEquals(new double[] {first.averageReturn(), first.averageReturn(),
        task.rollouts(policy, twice, 5, 2).averageReturn()}, returns, 0);
    assertThrows(IllegalArgumentException.class, () -> maml.returnsAfter(learner, meta, task, new int[] {1, 0}, 5));
  }

  /** What adapt saves: the parameters after each step on its own collection, and each collection's return. */
  @Test
  void adaptGivesTheParametersAfterTheStepsAndTheReturnOfEachCollection() {
    ModelSpec spec = PolicyGradientTest.mlp("2-6-2");
    Learner learner = spec.newLearner();
    EnvironmentTask task = new EnvironmentTask(new TaskDescriptor(-1, 0, 5), NAVIGATION, SETTINGS);
    PolicyGradientMaml maml = new PolicyGradientMaml(new Adaptation(new ScalarSgd(0.1), 1), 2,
        NAVIGATION.actionSpace(), -0.5, false);
    double[] meta = maml.init(spec.initialParams());
    double[] returns = new double[3];
    double[] adapted = maml.adapt(learner, meta, task, 2, 4, returns);

    Policy policy = Policy.over(learner, 2, NAVIGATION.actionSpace());
    Rollouts first = task.rollouts(policy, meta, 4, 0);
    double[] once = innerStep(policy, meta, first.examples());
    Rollouts second = task.rollouts(policy, once, 4, 1);
    double[] twice = innerStep(policy, once, second.examples());
    assertArrayEquals(twice, adapted, 0);
    assertArrayEquals(new double[] {first.averageReturn(), second.averageReturn(),
        task.rollouts(policy, twice, 4, 2).averageReturn()}, returns, 0);
    // the log standard deviations adapt with the network
    assertTrue(adapted[adapted.length - 1] != meta[meta.length - 1], "log-std unchanged");
    assertThrows(IllegalArgumentException.class, () -> maml.adapt(learner, meta, task, 2, 4, new double[2]));
  }

  @Test
  void supervisedTasksAndLearnedRatesAreRefusedSayingWhy() {
    PolicyGradientMaml maml = new PolicyGradientMaml(new Adaptation(new ScalarSgd(0.1), 1), 1, ActionSpace.discrete(2),
        0, false);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> maml.compute(
        PolicyGradientTest.mlp("1-2").newLearner(), new double[7],
        SinusoidTaskFamily.mamlProtocol(2, 2).sample(new TaskDescriptor(0, 0, 1), DataType.DOUBLE), false));
    assertTrue(e.getMessage().contains("maml-rl needs environment tasks"), e.getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new PolicyGradientMaml(Adaptation.prototypes(), 1,
        ActionSpace.discrete(2), 0, false)).getMessage().contains("adapts by plain SGD steps"));
  }

  /** Average return over 40 fresh tasks after one inner step, as minus the outcome's "loss" (Reptile's test too). */
  static double afterOneStep(PolicyGradientAlgorithm algorithm, Learner learner, EnvironmentTaskFamily family,
      double[] meta) {
    double sum = 0;
    for (TaskDescriptor d : TaskSampler.evaluationTasks(99, 40)) {
      sum -= algorithm.compute(learner, meta, family.open(d, DataType.DOUBLE), true).queryLossAfter();
    }
    return sum / 40;
  }

  /** One SGD step at 0.1 on the surrogate of {@code support} (Reptile's test too). */
  static double[] innerStep(Policy policy, double[] theta, Examples support) {
    double[] g = new double[theta.length];
    policy.lossAndGradient(theta, support, g);
    double[] next = theta.clone();
    for (int i = 0; i < next.length; i++) {
      next[i] -= 0.1 * g[i];
    }
    return next;
  }

  private static double objective(Policy policy, double[] meta, List<Examples> supports, Examples query) {
    double[] theta = meta;
    for (Examples support : supports) {
      theta = innerStep(policy, theta, support);
    }
    return policy.loss(theta, query);
  }
}
