package io.metaspark.app.builtin;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import io.metaspark.app.config.AlgorithmSettings;
import io.metaspark.app.config.Check;
import io.metaspark.app.config.ConfigError;
import io.metaspark.app.config.Key;
import io.metaspark.app.config.Locations;
import io.metaspark.app.config.TaskFamilyType;
import io.metaspark.app.config.TaskSettings;
import io.metaspark.app.config.Values;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.rl.BernoulliBandit;
import io.metaspark.core.rl.EnvironmentFamily;
import io.metaspark.core.rl.EnvironmentTaskFamily;
import io.metaspark.core.rl.Navigation2d;
import io.metaspark.core.rl.RolloutSettings;
import io.metaspark.core.task.TaskFamily;
import io.metaspark.core.task.image.ClassSplit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.deeplearning4j.nn.conf.inputs.InputType;

/**
 * {@code navigation-2d} and {@code bandit}: tasks that are environments, rolled out by a
 * reinforcement-learning algorithm ({@code maml-rl}, {@code fomaml-rl}, {@code reptile-rl}). {@code tasks.support} and
 * {@code tasks.query} count trajectories for them; the advantage keys under {@code tasks.rl} are
 * shared by both.
 */
public final class EnvironmentTasks implements TaskFamilyType {
  static final String NAVIGATION = "navigation-2d";
  static final String BANDIT = "bandit";

  static final Key<Double> DISCOUNT = Key.number("tasks.rl.discount", 0.99,
      "gamma: rewards t steps ahead count gamma^t in the returns").check(Check.that(g -> g > 0 && g <= 1, "in (0, 1]"));
  static final Key<Double> GAE_LAMBDA = Key.number("tasks.rl.gae-lambda", 1.0,
      "lambda of generalized advantage estimation; 1 = discounted return minus the linear baseline")
      .check(Check.that(l -> l >= 0 && l <= 1, "in [0, 1]"));
  static final Key<Integer> HORIZON = Key.integer("tasks.navigation-2d.horizon", 100,
      "steps after which an episode ends if the point has not reached its goal").check(Check.atLeast(1));
  public static final Key<String> ACTIONS = Key.choice("tasks.navigation-2d.actions", "clipped",
      List.of("clipped", "normalized"),
      "clipped: the move is the action clipped to [-0.1, 0.1]; normalized: 0.1 x the action, clipped"
      + " (the MAML code's rllab normalize)");
  static final Key<Integer> ARMS = Key.integer("tasks.bandit.arms", 5, "k: arms of each bandit")
      .check(Check.atLeast(2));
  static final Key<Integer> PULLS = Key.integer("tasks.bandit.pulls", 100, "n: pulls in an episode")
      .check(Check.atLeast(1));

  static final List<Key<?>> NAVIGATION_KEYS = List.of(DISCOUNT, GAE_LAMBDA, HORIZON, ACTIONS);
  static final List<Key<?>> BANDIT_KEYS = List.of(DISCOUNT, GAE_LAMBDA, ARMS, PULLS);

  /** Environments have no parts: every task is a fresh draw. */
  @Override
  public TaskFamily create(ClassSplit.Part part, Values values, Locations locations) {
    RolloutSettings rollouts = new RolloutSettings(values.get(TaskSettings.SUPPORT), values.get(TaskSettings.QUERY),
        values.get(DISCOUNT), values.get(GAE_LAMBDA));
    return new EnvironmentTaskFamily(environments(values).orElseThrow(), rollouts);
  }

  /** Environment tasks have no data, but only a reinforcement-learning algorithm can roll them out: say so now. */
  @Override
  public void checkData(Values values, Locations locations, ModelSpec model) {
    String algorithm = values.get(AlgorithmSettings.NAME).trim().toLowerCase(Locale.ROOT);
    if (!MamlRlAlgorithm.NAMES.contains(algorithm)) {
      throw new ConfigError(TaskSettings.FAMILY.path() + " = " + values.get(TaskSettings.FAMILY) + " is environments,"
          + " which " + AlgorithmSettings.NAME.path() + " = " + algorithm + " cannot roll out: use one of "
          + MamlRlAlgorithm.NAMES);
    }
  }

  /** Time steps, not trajectories: at most K and Q trajectories of a full horizon each, one observation an example. */
  @Override
  public TaskShape shape(Values values, ModelSpec model) {
    EnvironmentFamily environments = environments(values).orElseThrow();
    return new TaskShape(values.get(TaskSettings.SUPPORT) * environments.horizon(),
        values.get(TaskSettings.QUERY) * environments.horizon(), InputType.feedForward(environments.observationSize()));
  }

  /**
   * The keys the environment tasks were built from, by path, with their values: what a policy's
   * model.json keeps of its training config, so that adapt rebuilds the environments and rollouts
   * it was trained on ({@link #fromSettings}).
   */
  public static Map<String, Object> settings(Values values) {
    Map<String, Object> settings = new LinkedHashMap<>();
    for (Key<?> key : keysOf(values.get(TaskSettings.FAMILY))) {
      settings.put(key.path(), values.get(key));
    }
    return settings;
  }

  /** The environment tasks {@code settings} ({@link #settings}'s) describe; a bad value is a ConfigError naming it. */
  public static EnvironmentTaskFamily fromSettings(Map<String, Object> settings) {
    String rendered;
    try {
      rendered = ConfigFactory.parseMap(settings).root().render(ConfigRenderOptions.concise());
    } catch (ConfigException e) {
      throw new ConfigError("environment settings " + settings + ": " + e.getMessage(), e);
    }
    String family = Values.in(rendered, List.<Key<?>>of(TaskSettings.FAMILY)).get(TaskSettings.FAMILY);
    return (EnvironmentTaskFamily) new EnvironmentTasks().create(ClassSplit.Part.TEST,
        Values.in(rendered, keysOf(family)), null);
  }

  /** Every key an environment family's tasks are built from: the family, the trajectories, its own keys. */
  private static List<Key<?>> keysOf(String family) {
    List<Key<?>> own = switch (family.trim().toLowerCase(Locale.ROOT)) {
      case NAVIGATION -> NAVIGATION_KEYS;
      case BANDIT -> BANDIT_KEYS;
      default -> throw new ConfigError(TaskSettings.FAMILY.path() + " = " + family + " is not environments: "
          + NAVIGATION + " or " + BANDIT + " are");
    };
    List<Key<?>> keys = new ArrayList<>(List.of(TaskSettings.FAMILY, TaskSettings.SUPPORT, TaskSettings.QUERY));
    keys.addAll(own);
    return keys;
  }

  /** The environments {@code tasks.family} names, or empty when it names supervised tasks. */
  static Optional<EnvironmentFamily> environments(Values values) {
    return switch (values.get(TaskSettings.FAMILY).trim().toLowerCase(Locale.ROOT)) {
      case NAVIGATION -> Optional.of(new Navigation2d(values.get(HORIZON),
          Navigation2d.Actions.valueOf(values.get(ACTIONS).toUpperCase(Locale.ROOT))));
      case BANDIT -> Optional.of(new BernoulliBandit(values.get(ARMS), values.get(PULLS)));
      default -> Optional.empty();
    };
  }
}
