package io.metaspark.core.rl;

import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.algo.MetaAlgorithm;
import io.metaspark.core.model.Learner;
import io.metaspark.core.task.Task;
import java.util.Arrays;

/**
 * What the meta-algorithms for environments share ({@link PolicyGradientMaml},
 * {@link PolicyGradientReptile}): a policy over the network ({@link Policy}), whose own parameters
 * (a Gaussian's log standard deviations, started at {@link #initialLogStd}) follow the network's in
 * the meta-parameters, and adaptation by vanilla policy-gradient steps, each one SGD step of the
 * adaptation on the surrogate of fresh rollouts of the current policy. The "losses" an outcome
 * reports are minus average returns.
 */
public interface PolicyGradientAlgorithm extends MetaAlgorithm {
  Adaptation adaptation();

  int observationSize();

  ActionSpace actionSpace();

  double initialLogStd();

  /** The policy's own parameters: one log standard deviation per dimension of a continuous action. */
  private int ownParams() {
    return actionSpace().discrete() ? 0 : actionSpace().size();
  }

  @Override
  default double[] init(double[] networkParams) {
    double[] meta = Arrays.copyOf(networkParams, networkParams.length + ownParams());
    Arrays.fill(meta, networkParams.length, meta.length, initialLogStd());
    return meta;
  }

  @Override
  default double[] networkPart(double[] meta) {
    return Arrays.copyOf(meta, meta.length - ownParams());
  }

  /**
   * The average return after each of {@code stepCounts} (ascending) inner steps, as the MAML paper
   * tests: step k's rollouts ({@code trajectories} of them, collection k) measure the policy after k
   * steps and give the gradient of step k + 1.
   */
  default double[] returnsAfter(Learner learner, double[] meta, Task task, int[] stepCounts, int trajectories) {
    for (int i = 1; i < stepCounts.length; i++) {
      if (stepCounts[i] < stepCounts[i - 1]) {
        throw new IllegalArgumentException("step counts must ascend, got " + Arrays.toString(stepCounts));
      }
    }
    if (stepCounts.length == 0) {
      return new double[0];
    }
    double[] all = new double[stepCounts[stepCounts.length - 1] + 1];
    adapt(learner, meta, task, all.length - 1, trajectories, all);
    double[] returns = new double[stepCounts.length];
    for (int i = 0; i < stepCounts.length; i++) {
      returns[i] = all[stepCounts[i]];
    }
    return returns;
  }

  /**
   * The policy {@code meta} adapted to {@code task} by {@code steps} inner steps, each on its own
   * {@code trajectories} rollouts (collection k for step k + 1); {@code returns[k]} receives the
   * average return of collection k, the policy after k steps, for k = 0 ... steps (the last
   * collection only measures).
   */
  default double[] adapt(Learner learner, double[] meta, Task task, int steps, int trajectories, double[] returns) {
    if (steps < 0 || returns.length != steps + 1) {
      throw new IllegalArgumentException("adapting by " + steps + " steps measures " + (steps + 1) + " returns, not "
          + returns.length);
    }
    EnvironmentTask environment = environmentOf(task);
    Policy policy = Policy.over(learner, observationSize(), actionSpace());
    double[] theta = meta.clone();
    double[] gradient = new double[meta.length];
    for (int s = 0; s <= steps; s++) {
      Rollouts rollouts = environment.rollouts(policy, theta, trajectories, s);
      returns[s] = rollouts.averageReturn();
      if (s < steps) {
        policy.lossAndGradient(theta, rollouts.examples(), gradient);
        adaptation().rule().step(s, new double[0], theta, gradient);
      }
    }
    return theta;
  }

  /** The task as an environment, or an error saying that these algorithms need one. */
  default EnvironmentTask environmentOf(Task task) {
    if (task instanceof EnvironmentTask environment) {
      return environment;
    }
    throw new IllegalArgumentException(name() + " needs environment tasks (tasks.family = navigation-2d or bandit); "
        + task.descriptor() + " is a supervised task");
  }

  /** Refuses what plain policy-gradient steps cannot be, naming it. */
  static void requirePlainSteps(String algorithm, Adaptation adaptation, double initialLogStd) {
    if (adaptation.rule().learnedValues() > 0 || adaptation.byPrototypes()) {
      throw new IllegalArgumentException(algorithm + " adapts by plain SGD steps; the " + adaptation.rule().name()
          + " rule is not one");
    }
    if (!Double.isFinite(initialLogStd)) {
      throw new IllegalArgumentException("the initial log standard deviation must be finite, got " + initialLogStd);
    }
  }
}
