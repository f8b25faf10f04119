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
    EnvironmentTask environment = environmentOf(task);
    Policy policy = Policy.over(learner, observationSize(), actionSpace());
    double[] returns = new double[stepCounts.length];
    double[] theta = meta.clone();
    double[] gradient = new double[meta.length];
    int next = 0;
    for (int s = 0; next < stepCounts.length; s++) {
      if (stepCounts[next] < s) {
        throw new IllegalArgumentException("step counts must ascend, got " + Arrays.toString(stepCounts));
      }
      Rollouts rollouts = environment.rollouts(policy, theta, trajectories, s);
      while (next < stepCounts.length && stepCounts[next] == s) {
        returns[next++] = rollouts.averageReturn();
      }
      if (next < stepCounts.length) {
        policy.lossAndGradient(theta, rollouts.examples(), gradient);
        adaptation().rule().step(s, new double[0], theta, gradient);
      }
    }
    return returns;
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
