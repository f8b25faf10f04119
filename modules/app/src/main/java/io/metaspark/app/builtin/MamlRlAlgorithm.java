package io.metaspark.app.builtin;

import io.metaspark.app.config.Check;
import io.metaspark.app.config.Key;
import io.metaspark.app.config.TaskSettings;
import io.metaspark.app.config.Values;
import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.algo.MetaAlgorithm;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.rl.EnvironmentFamily;
import io.metaspark.core.rl.PolicyGradientMaml;
import io.metaspark.core.rl.PolicyGradientReptile;
import io.metaspark.core.rl.Policy;
import java.util.List;

/**
 * {@code maml-rl} and {@code fomaml-rl}: MAML with vanilla policy-gradient inner steps on an
 * environment family's tasks ({@link PolicyGradientMaml}); {@code reptile-rl}: Reptile with the same
 * inner steps ({@link PolicyGradientReptile}). The policy's shape comes from the
 * environments: Gaussian for continuous actions, softmax for discrete ones; the network must fit
 * their observations and actions, which is checked here, before Spark starts.
 */
final class MamlRlAlgorithm {
  static final List<String> NAMES = List.of("maml-rl", "fomaml-rl", "reptile-rl");

  static final Key<Double> INIT_LOG_STD = Key.number("algorithm.maml-rl.init-log-std", 0.0,
      "continuous actions: the Gaussian policy's log standard deviations start here (0: standard deviation 1)")
      .check(Check.that(Double::isFinite, "a finite number"));

  static final List<Key<?>> KEYS = List.of(INIT_LOG_STD);

  private MamlRlAlgorithm() {}

  static MetaAlgorithm secondOrder(Adaptation adaptation, ModelSpec model, Values values) {
    return create(adaptation, model, values, false);
  }

  static MetaAlgorithm firstOrder(Adaptation adaptation, ModelSpec model, Values values) {
    return create(adaptation, model, values, true);
  }

  static MetaAlgorithm reptile(Adaptation adaptation, ModelSpec model, Values values) {
    EnvironmentFamily environments = environments(model, values);
    return new PolicyGradientReptile(adaptation, environments.observationSize(), environments.actionSpace(),
        values.get(INIT_LOG_STD));
  }

  private static MetaAlgorithm create(Adaptation adaptation, ModelSpec model, Values values, boolean firstOrder) {
    EnvironmentFamily environments = environments(model, values);
    return new PolicyGradientMaml(adaptation, environments.observationSize(), environments.actionSpace(),
        values.get(INIT_LOG_STD), firstOrder);
  }

  /** The configured environment family, after refusing a network that does not fit it, naming both sizes. */
  private static EnvironmentFamily environments(ModelSpec model, Values values) {
    EnvironmentFamily environments = EnvironmentTasks.environments(values).orElseThrow(() ->
        new IllegalArgumentException(NAMES + " need environment tasks (" + TaskSettings.FAMILY.path() + " = "
            + EnvironmentTasks.NAVIGATION + " or " + EnvironmentTasks.BANDIT + "), got "
            + values.get(TaskSettings.FAMILY)));
    Policy.over(model.newLearner(), environments.observationSize(), environments.actionSpace());
    return environments;
  }
}
