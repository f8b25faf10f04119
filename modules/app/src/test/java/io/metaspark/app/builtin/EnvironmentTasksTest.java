package io.metaspark.app.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.app.config.ConfigError;
import io.metaspark.app.config.Job;
import io.metaspark.core.rl.ActionSpace;
import io.metaspark.core.rl.EnvironmentTaskFamily;
import io.metaspark.core.rl.PolicyGradientMaml;
import io.metaspark.core.task.image.ClassSplit;
import java.io.File;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The environment families and maml-rl as configs name them: what they build, and the errors before Spark starts. */
class EnvironmentTasksTest {
  private static final File NAVIGATION = new File("../../conf/navigation-2d.conf");

  private static Job load(File file, List<String> overrides) {
    return Job.load(file, overrides, BuiltIns.registries());
  }

  private static String error(File file, String... overrides) {
    return assertThrows(ConfigError.class, () -> load(file, List.of(overrides))).getMessage();
  }

  @Test
  void theShippedNavigationConfigBuildsMamlRlOnTheNavigationTasks() {
    Job job = load(NAVIGATION, List.of());
    PolicyGradientMaml maml = (PolicyGradientMaml) job.algorithm();
    assertEquals(ActionSpace.continuous(2), maml.actionSpace());
    assertEquals("maml-rl", maml.name());
    // the network's parameters, then two log standard deviations
    int network = job.model().initialParams().length;
    assertEquals(network + 2, maml.init(job.initialParams()).length);
    EnvironmentTaskFamily family = (EnvironmentTaskFamily) job.taskFamily(ClassSplit.Part.TRAIN);
    assertEquals(100, family.environments().horizon());
    assertEquals(20, family.rollouts().supportTrajectories());
    assertEquals(0.99, family.rollouts().discount());
    // FLOP counts see time steps: 20 trajectories of at most 100 steps, 2 inputs each
    assertEquals(2000, job.taskShape().supportExamples());
    assertEquals(2, job.taskShape().input().arrayElementsPerExample());
  }

  @Test
  void normalizedNavigationActionsAreAKeyThatTheSavedSettingsKeep() {
    Job job = load(NAVIGATION, List.of("tasks.navigation-2d.actions = Normalized"));
    EnvironmentTaskFamily family = (EnvironmentTaskFamily) job.taskFamily(ClassSplit.Part.TRAIN);
    assertTrue(family.environments().describe().contains("actions normalized"), family.environments().describe());
    // what model.json keeps rebuilds the same environments for evaluate and adapt
    EnvironmentTaskFamily saved = EnvironmentTasks.fromSettings(EnvironmentTasks.settings(job.values()));
    assertEquals(family.environments().describe(), saved.environments().describe());
    assertTrue(error(NAVIGATION, "tasks.navigation-2d.actions=scaled")
        .contains("tasks.navigation-2d.actions must be one of clipped, normalized, got 'scaled'"));
  }

  @Test
  void banditsTakeASoftmaxPolicyWithAnOutputPerArm() {
    Job job = load(null, List.of("tasks.family=bandit", "tasks.bandit.arms=3", "algorithm.name=fomaml-rl",
        "model.mlp=\"1-16-3\""));
    PolicyGradientMaml maml = (PolicyGradientMaml) job.algorithm();
    assertEquals(ActionSpace.discrete(3), maml.actionSpace());
    assertEquals("fomaml-rl", maml.name());
    assertEquals(job.model().initialParams().length, maml.init(job.initialParams()).length);
  }

  @Test
  void aPolicyNetworkThatDoesNotFitTheEnvironmentIsAConfigErrorNamingBothSizes() {
    String outputs = error(NAVIGATION, "model.mlp=\"2-16-3\"");
    assertTrue(outputs.contains("gives 3 outputs but the environment has 2-dimensional continuous actions"), outputs);
    String arms = error(null, "tasks.family=bandit", "algorithm.name=maml-rl", "model.mlp=\"1-16-4\"");
    assertTrue(arms.contains("gives 4 outputs but the environment has 5 discrete actions"), arms);
  }

  @Test
  void environmentsAndSupervisedAlgorithmsDoNotMixAndSaySo() {
    String supervised = error(NAVIGATION, "algorithm.name=maml");
    assertTrue(supervised.contains("tasks.family = navigation-2d is environments, which algorithm.name = maml cannot"
        + " roll out: use one of [maml-rl, fomaml-rl, reptile-rl]"), supervised);
    String sinusoid = error(null, "algorithm.name=maml-rl");
    assertTrue(sinusoid.contains("need environment tasks (tasks.family = navigation-2d or bandit), got sinusoid"),
        sinusoid);
  }

  @Test
  void badEnvironmentSettingsAreConfigErrorsNamingTheKey() {
    assertTrue(error(NAVIGATION, "tasks.rl.discount=1.5").contains("tasks.rl.discount"));
    assertTrue(error(NAVIGATION, "tasks.rl.gae-lambda=-1").contains("tasks.rl.gae-lambda"));
    assertTrue(error(NAVIGATION, "tasks.navigation-2d.horizon=0").contains("tasks.navigation-2d.horizon"));
    assertTrue(error(null, "tasks.family=bandit", "algorithm.name=maml-rl", "tasks.bandit.arms=1")
        .contains("tasks.bandit.arms"));
    assertTrue(error(NAVIGATION, "algorithm.maml-rl.init-log-std=NaN").contains("algorithm.maml-rl.init-log-std"));
  }
}
