package io.metaspark.core.rl;

import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.algo.TaskOutcome;
import io.metaspark.core.algo.Trajectory;
import io.metaspark.core.algo.TrustRegionAlgorithm;
import io.metaspark.core.model.Learner;
import io.metaspark.core.task.Examples;
import io.metaspark.core.task.Task;
import java.util.Arrays;

/**
 * MAML for reinforcement learning (Finn, Abbeel and Levine 2017, section 3.2): each inner step is
 * vanilla policy gradient, one SGD step of the adaptation on the surrogate of fresh rollouts of the
 * current policy ({@link Policy}, {@link Rollouts}); the task's contribution is the surrogate's
 * gradient on rollouts of the adapted policy, carried back through the inner steps with the
 * surrogate's exact Hessian-vector products (second order) or not at all (first order). As in the
 * paper's code, the dependence of the sampled trajectories on the parameters is not differentiated.
 *
 * <p>The meta-parameters are the network's, then the policy's own (a Gaussian's log standard
 * deviations, started at {@code initialLogStd}); all of them adapt in the inner steps. The
 * "losses" it reports are minus the average returns: before adaptation of the first support
 * rollouts, after it of the query rollouts.
 */
public record PolicyGradientMaml(Adaptation adaptation, int observationSize, ActionSpace actionSpace,
    double initialLogStd, boolean firstOrder) implements TrustRegionAlgorithm {

  public PolicyGradientMaml {
    if (adaptation.rule().learnedValues() > 0 || adaptation.byPrototypes()) {
      throw new IllegalArgumentException("MAML-RL adapts by plain SGD steps; the " + adaptation.rule().name()
          + " rule is not one");
    }
    if (!Double.isFinite(initialLogStd)) {
      throw new IllegalArgumentException("the initial log standard deviation must be finite, got " + initialLogStd);
    }
  }

  /** The policy's own parameters: one log standard deviation per dimension of a continuous action. */
  private int ownParams() {
    return actionSpace.discrete() ? 0 : actionSpace.size();
  }

  @Override
  public double[] init(double[] networkParams) {
    double[] meta = Arrays.copyOf(networkParams, networkParams.length + ownParams());
    Arrays.fill(meta, networkParams.length, meta.length, initialLogStd);
    return meta;
  }

  @Override
  public double[] networkPart(double[] meta) {
    return Arrays.copyOf(meta, meta.length - ownParams());
  }

  @Override
  public TaskOutcome compute(Learner learner, double[] meta, Task task, boolean measure) {
    return prepare(learner, meta, task, measure).outcome();
  }

  /**
   * The task's rollouts, adaptation and meta-gradient, kept for a trust-region outer step (TRPO):
   * the step's KL constraint is between the adapted policies before and after it
   * ({@link AdaptedPolicyTask}).
   */
  @Override
  public AdaptedPolicyTask prepare(Learner learner, double[] meta, Task task, boolean measure) {
    EnvironmentTask environment = environmentOf(task);
    Policy policy = Policy.over(learner, observationSize, actionSpace);
    int steps = adaptation.steps();
    RolloutSettings settings = environment.settings();
    double[][] thetas = new double[steps + 1][];
    double[][] gradients = new double[steps][];
    // the rule's memory after each step, as Adaptation keeps it (empty for plain SGD)
    double[][] memories = new double[steps][];
    double[] memory = new double[adaptation.rule().memoryValues(meta.length)];
    Examples[] support = new Examples[steps];
    double before = Double.NaN;
    thetas[0] = meta.clone();
    for (int s = 0; s < steps; s++) {
      Rollouts rollouts = environment.rollouts(policy, thetas[s], settings.supportTrajectories(), s);
      if (s == 0) {
        before = -rollouts.averageReturn();
      }
      support[s] = rollouts.examples();
      gradients[s] = new double[meta.length];
      policy.lossAndGradient(thetas[s], support[s], gradients[s]);
      thetas[s + 1] = thetas[s].clone();
      adaptation.rule().step(s, new double[0], memory, thetas[s + 1], gradients[s]);
      memories[s] = memory.clone();
    }
    Trajectory path = new Trajectory(thetas, gradients, memories, new double[0]);
    Rollouts query = environment.rollouts(policy, path.adapted(), settings.queryTrajectories(), steps);
    double[] metaGradient = new double[meta.length];
    policy.lossAndGradient(path.adapted(), query.examples(), metaGradient);
    AdaptedPolicyTask adapted = new AdaptedPolicyTask(policy, adaptation, firstOrder, path, support, query.examples());
    if (!firstOrder && steps > 0) {
      metaGradient = adaptation.backward(path, metaGradient, adapted::supportCurvature);
    }
    double after = -query.averageReturn();
    return adapted.withOutcome(new TaskOutcome(metaGradient, steps > 0 ? before : after, after));
  }

  /**
   * The average return after each of {@code stepCounts} (ascending) inner steps, as the MAML paper
   * tests: step k's rollouts ({@code trajectories} of them, collection k) measure the policy after k
   * steps and give the gradient of step k + 1.
   */
  public double[] returnsAfter(Learner learner, double[] meta, Task task, int[] stepCounts, int trajectories) {
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
  public double[] adapt(Learner learner, double[] meta, Task task, int steps, int trajectories, double[] returns) {
    if (steps < 0 || returns.length != steps + 1) {
      throw new IllegalArgumentException("adapting by " + steps + " steps measures " + (steps + 1) + " returns, not "
          + returns.length);
    }
    EnvironmentTask environment = environmentOf(task);
    Policy policy = Policy.over(learner, observationSize, actionSpace);
    double[] theta = meta.clone();
    double[] gradient = new double[meta.length];
    for (int s = 0; s <= steps; s++) {
      Rollouts rollouts = environment.rollouts(policy, theta, trajectories, s);
      returns[s] = rollouts.averageReturn();
      if (s < steps) {
        policy.lossAndGradient(theta, rollouts.examples(), gradient);
        adaptation.rule().step(s, new double[0], theta, gradient);
      }
    }
    return theta;
  }

  /**
   * As MAML's, in time steps: each inner step's gradient and (second order) two passes per Hessian
   * product on its support steps, then the query gradient. The rollouts' forward passes come on top.
   */
  @Override
  public long gradientExamples(int supportSize, int querySize) {
    return (long) (firstOrder ? 1 : 3) * adaptation.steps() * supportSize + querySize;
  }

  @Override
  public String name() {
    return firstOrder ? "fomaml-rl" : "maml-rl";
  }

  private static EnvironmentTask environmentOf(Task task) {
    if (task instanceof EnvironmentTask environment) {
      return environment;
    }
    throw new IllegalArgumentException("MAML-RL needs environment tasks (tasks.family = navigation-2d or bandit); "
        + task.descriptor() + " is a supervised task");
  }
}
