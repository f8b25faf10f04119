package io.metaspark.core.rl;

import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.algo.Reptile;
import io.metaspark.core.algo.TaskOutcome;
import io.metaspark.core.model.Learner;
import io.metaspark.core.task.Task;

/**
 * Reptile (Nichol, Achiam and Schulman 2018) on environments: the inner steps are MAML-RL's
 * (vanilla policy gradient, each on fresh rollouts of the current policy, collection s for step s),
 * and the task's contribution is theta - theta', the way the policy moved. No query rollouts
 * enter the update and no Hessian is formed, so an iteration costs the inner steps' rollouts and
 * gradients only; with SGD as the outer optimizer at step size epsilon the update is
 * theta + epsilon * mean(theta' - theta), Reptile's defining equation.
 *
 * <p>When an iteration measures, the adapted policy is rolled out on the query trajectories
 * (collection {@code steps}, as MAML-RL's) to report the return after adaptation, beside the return
 * before it from the first inner step's rollouts; otherwise it reports neither.
 */
public record PolicyGradientReptile(Adaptation adaptation, int observationSize, ActionSpace actionSpace,
    double initialLogStd) implements PolicyGradientAlgorithm {

  public PolicyGradientReptile {
    PolicyGradientAlgorithm.requirePlainSteps("Reptile-RL", adaptation, initialLogStd);
    if (adaptation.steps() < 1) {
      throw new IllegalArgumentException("Reptile-RL moves the policy by its inner steps: it needs at least one, got "
          + adaptation.steps());
    }
  }

  @Override
  public TaskOutcome compute(Learner learner, double[] meta, Task task, boolean measure) {
    EnvironmentTask environment = environmentOf(task);
    Policy policy = Policy.over(learner, observationSize, actionSpace);
    RolloutSettings settings = environment.settings();
    double[] theta = meta.clone();
    double[] gradient = new double[meta.length];
    double before = Double.NaN;
    for (int s = 0; s < adaptation.steps(); s++) {
      Rollouts rollouts = environment.rollouts(policy, theta, settings.supportTrajectories(), s);
      if (s == 0 && measure) {
        before = -rollouts.averageReturn();
      }
      policy.lossAndGradient(theta, rollouts.examples(), gradient);
      adaptation.rule().step(s, new double[0], theta, gradient);
    }
    double after = measure
        ? -environment.rollouts(policy, theta, settings.queryTrajectories(), adaptation.steps()).averageReturn()
        : Double.NaN;
    return new TaskOutcome(Reptile.movement(meta, theta), before, after);
  }

  /** The inner steps' gradients, in time steps; the rollouts' forward passes come on top. */
  @Override
  public long gradientExamples(int supportSize, int querySize) {
    return (long) adaptation.steps() * supportSize;
  }

  @Override
  public String name() {
    return "reptile-rl";
  }
}
