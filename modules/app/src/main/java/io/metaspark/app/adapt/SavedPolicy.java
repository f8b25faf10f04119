package io.metaspark.app.adapt;

import io.metaspark.app.builtin.EnvironmentTasks;
import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.rl.EnvironmentFamily;
import io.metaspark.core.rl.EnvironmentTaskFamily;
import io.metaspark.core.rl.Navigation2d;
import io.metaspark.core.rl.Policy;
import io.metaspark.core.rl.PolicyGradientMaml;
import java.util.Locale;

/**
 * A policy as train (or adapt) exports it: the saved model, whose card has a {@code policy}
 * section, and the environment tasks it was trained on, rebuilt from that section. What evaluate
 * and adapt take of a policy.
 */
public record SavedPolicy(SavedModel model, EnvironmentTaskFamily tasks) {
  /** The log standard deviations' start matters only to a policy being initialized, never to a saved one. */
  private static final double UNUSED_INITIAL_LOG_STD = 0;

  /**
   * The policy {@code model} holds, checked whole: its environments rebuilt, its network fitting
   * their observations and actions, its own parameters fitting its distribution. A model that is
   * not a policy, or whose parts do not fit, is an IllegalArgumentException saying why.
   */
  public static SavedPolicy of(SavedModel model) {
    PolicyCard policy = model.card().policy();
    if (policy == null) {
      throw new IllegalArgumentException("is not a policy: its model.json has no policy section (algorithm "
          + model.card().algorithm() + " on " + model.card().taskFamily() + ")");
    }
    EnvironmentTaskFamily tasks = EnvironmentTasks.fromSettings(policy.settings());
    EnvironmentFamily environments = tasks.environments();
    String expected = environments.actionSpace().discrete() ? PolicyCard.SOFTMAX : PolicyCard.GAUSSIAN;
    if (!policy.distribution().equals(expected)) {
      throw new IllegalArgumentException("is a " + policy.distribution() + " policy (model.json) for "
          + environments.actionSpace() + ", which need a " + expected + " one");
    }
    int own = environments.actionSpace().discrete() ? 0 : environments.actionSpace().size();
    if (policy.logStd().length != own) {
      throw new IllegalArgumentException("has " + policy.logStd().length + " log standard deviations (model.json's"
          + " policy.log_std) for " + environments.actionSpace());
    }
    try {
      Policy.over(model.spec().newLearner(), environments.observationSize(), environments.actionSpace());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("does not fit the environments of its model.json: " + e.getMessage(), e);
    }
    return new SavedPolicy(model, tasks);
  }

  public PolicyCard policy() {
    return model.card().policy();
  }

  /** The network's parameters, then the policy's own. */
  public double[] meta() {
    return model.meta();
  }

  /**
   * The algorithm that adapts this policy as it was trained to ({@code adaptation}: its inner SGD
   * steps) in {@code environments}, which must be of the kind it acts in: the same family, the same
   * observations and actions, in the same units. Other environments are an IllegalArgumentException naming both.
   */
  public PolicyGradientMaml adaptingIn(EnvironmentFamily environments, Adaptation adaptation) {
    EnvironmentFamily own = tasks.environments();
    if (environments.getClass() != own.getClass() || environments.observationSize() != own.observationSize()
        || !environments.actionSpace().equals(own.actionSpace())) {
      throw new IllegalArgumentException("is a policy for " + own.describe() + " (" + own.observationSize()
          + " observations, " + own.actionSpace() + "), not for " + environments.describe() + " ("
          + environments.observationSize() + " observations, " + environments.actionSpace() + ")");
    }
    // the same numbers mean other moves in other action units: the policy's actions would be ten times off
    if (own instanceof Navigation2d trained && environments instanceof Navigation2d given
        && trained.actions() != given.actions()) {
      throw new IllegalArgumentException("is a policy for " + own.describe() + ", not for " + given.describe() + " ("
          + EnvironmentTasks.ACTIONS.path() + " = " + given.actions().name().toLowerCase(Locale.ROOT) + ")");
    }
    return new PolicyGradientMaml(adaptation, own.observationSize(), own.actionSpace(), UNUSED_INITIAL_LOG_STD,
        model.card().algorithm().equals("fomaml-rl"));
  }
}
