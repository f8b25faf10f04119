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
import io.metaspark.core.optim.Sgd;
import io.metaspark.core.task.SinusoidTaskFamily;
import io.metaspark.core.task.TaskDescriptor;
import io.metaspark.core.task.TaskSampler;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Reptile on environments: the task's contribution is theta - theta', theta' after the same
 * policy-gradient inner steps as MAML-RL's (each on fresh rollouts of the current policy); with SGD
 * at epsilon the outer step is theta + epsilon mean(theta' - theta); and a little meta-training on
 * 2D navigation raises the return after one step.
 */
class PolicyGradientReptileTest {
  private static final RolloutSettings SETTINGS = new RolloutSettings(3, 3, 0.99, 0.95);
  private static final Navigation2d NAVIGATION = new Navigation2d(12);

  @Test
  void theContributionIsHowFarTheInnerStepsMovedThePolicy() {
    ModelSpec spec = PolicyGradientTest.mlp("2-6-2");
    Learner learner = spec.newLearner();
    EnvironmentTask task = new EnvironmentTask(new TaskDescriptor(5, 1, 9), NAVIGATION, SETTINGS);
    PolicyGradientReptile reptile = new PolicyGradientReptile(new Adaptation(new ScalarSgd(0.1), 2), 2,
        NAVIGATION.actionSpace(), -0.3);
    double[] meta = reptile.init(spec.initialParams());
    assertEquals(spec.initialParams().length + 2, meta.length, "two log standard deviations after the network");
    TaskOutcome outcome = reptile.compute(learner, meta, task, true);

    // the two inner steps by hand, each on its own collection of rollouts of the current policy
    Policy policy = Policy.over(learner, 2, NAVIGATION.actionSpace());
    Rollouts first = task.rollouts(policy, meta, 3, 0);
    double[] once = PolicyGradientMamlTest.innerStep(policy, meta, first.examples());
    double[] twice = PolicyGradientMamlTest.innerStep(policy, once, task.rollouts(policy, once, 3, 1).examples());
    double[] expected = new double[meta.length];
    for (int i = 0; i < expected.length; i++) {
      expected[i] = meta[i] - twice[i];
    }
    assertArrayEquals(expected, outcome.metaGradient(), 0);
    assertEquals(-first.averageReturn(), outcome.queryLossBefore(), 0);
    assertEquals(-task.rollouts(policy, twice, 3, 2).averageReturn(), outcome.queryLossAfter(), 0,
        "the return after adaptation, from the query collection");

    TaskOutcome unmeasured = reptile.compute(learner, meta, task, false);
    assertArrayEquals(expected, unmeasured.metaGradient(), 0);
    assertTrue(Double.isNaN(unmeasured.queryLossBefore()) && Double.isNaN(unmeasured.queryLossAfter()),
        "an iteration that does not measure reports no returns");
  }

  @Test
  void metaTrainingOnNavigationRaisesTheReturnAfterOneInnerStep() {
    Navigation2d navigation = new Navigation2d(20);
    EnvironmentTaskFamily family = new EnvironmentTaskFamily(navigation, new RolloutSettings(10, 10, 0.99, 1.0));
    ModelSpec spec = PolicyGradientTest.mlp("2-16-16-2");
    Learner learner = spec.newLearner();
    PolicyGradientReptile reptile = new PolicyGradientReptile(new Adaptation(new ScalarSgd(0.1), 1), 2,
        navigation.actionSpace(), 0);
    double[] meta = reptile.init(spec.initialParams());
    double before = PolicyGradientMamlTest.afterOneStep(reptile, learner, family, meta);
    TaskSampler sampler = new TaskSampler(3);
    for (int iteration = 0; iteration < 40; iteration++) {
      double[] mean = new double[meta.length];
      for (TaskDescriptor d : sampler.metaBatch(iteration, 10)) {
        double[] delta = reptile.compute(learner, meta, family.open(d, DataType.DOUBLE), false).metaGradient();
        for (int i = 0; i < mean.length; i++) {
          mean[i] += delta[i] / 10;
        }
      }
      // Reptile's outer step: theta + epsilon mean(theta' - theta), by SGD on theta - theta'
      new Sgd(1.0).update(mean, new Sgd(1.0).init(meta), meta).applyTo(meta);
    }
    double after = PolicyGradientMamlTest.afterOneStep(reptile, learner, family, meta);
    assertTrue(after > before + 1, "return after one step: " + before + " before meta-training, " + after + " after");
  }

  @Test
  void returnsAfterStepsAreMamlRlsOnTheSameTask() {
    ModelSpec spec = PolicyGradientTest.mlp("2-6-2");
    Learner learner = spec.newLearner();
    EnvironmentTask task = new EnvironmentTask(new TaskDescriptor(-1, 4, 12), NAVIGATION, SETTINGS);
    Adaptation adaptation = new Adaptation(new ScalarSgd(0.1), 1);
    PolicyGradientReptile reptile = new PolicyGradientReptile(adaptation, 2, NAVIGATION.actionSpace(), -0.5);
    PolicyGradientMaml maml = new PolicyGradientMaml(adaptation, 2, NAVIGATION.actionSpace(), -0.5, false);
    double[] meta = reptile.init(spec.initialParams());
    assertArrayEquals(maml.returnsAfter(learner, meta, task, new int[] {0, 1, 3}, 4),
        reptile.returnsAfter(learner, meta, task, new int[] {0, 1, 3}, 4), 0);
  }

  @Test
  void noInnerStepSupervisedTasksAndLearnedRatesAreRefusedSayingWhy() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new PolicyGradientReptile(
        new Adaptation(new ScalarSgd(0.1), 0), 2, NAVIGATION.actionSpace(), 0)).getMessage().contains("at least one"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new PolicyGradientReptile(Adaptation.prototypes(), 1,
        ActionSpace.discrete(2), 0)).getMessage().contains("adapts by plain SGD steps"));
    PolicyGradientReptile reptile = new PolicyGradientReptile(new Adaptation(new ScalarSgd(0.1), 1), 1,
        ActionSpace.discrete(2), 0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> reptile.compute(
        PolicyGradientTest.mlp("1-2").newLearner(), new double[7],
        SinusoidTaskFamily.mamlProtocol(2, 2).sample(new TaskDescriptor(0, 0, 1), DataType.DOUBLE), false));
    assertTrue(e.getMessage().contains("reptile-rl needs environment tasks"), e.getMessage());
  }
}
