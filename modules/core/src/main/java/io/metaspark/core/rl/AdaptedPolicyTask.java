package io.metaspark.core.rl;

import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.algo.Curvature;
import io.metaspark.core.algo.ScalarSgd;
import io.metaspark.core.algo.TaskOutcome;
import io.metaspark.core.algo.Trajectory;
import io.metaspark.core.algo.TrustRegionTask;
import io.metaspark.core.task.Examples;

/**
 * A MAML-RL task held for the MAML paper's TRPO outer step. Its constraint is the mean KL divergence
 * KL(pi_{theta'_old} || pi_{theta'(theta)}) over the query observations, between the policy it
 * adapted to and the one the same adaptation (the same support rollouts, held fixed) gives from
 * new meta-parameters theta. At theta_old that KL's Hessian in theta is J^T F' J: F' the adapted
 * policy's Fisher on the query observations ({@link Policy#fisherVectorProduct}) and
 * J = dtheta'/dtheta = prod_j (I - alpha H_j) the inner steps' Jacobian, each factor symmetric.
 * First-order MAML-RL takes J as I, as its meta-gradient does.
 *
 * <p>The surrogate of the line search is the importance-weighted query loss
 * -(1/N) sum_t A_t pi_{theta'(theta)}(a_t | s_t) / pi_{theta'_old}(a_t | s_t), whose gradient at
 * theta_old is the task's meta-gradient.
 */
public final class AdaptedPolicyTask implements TrustRegionTask {
  private final Policy policy;
  private final Adaptation adaptation;
  private final boolean firstOrder;
  private final Trajectory path;
  private final Examples[] support;
  private final Examples query;
  private final Policy.Distributions adaptedBefore;
  private final double[] logLikelihoodsBefore;
  private final double[] advantages;
  /** The forward passes the products reuse, made on first use: at theta_j on support j, and at theta' on the query. */
  private final Policy.Kept[] supportPasses;
  private Policy.Kept queryPass;
  private TaskOutcome outcome;

  AdaptedPolicyTask(Policy policy, Adaptation adaptation, boolean firstOrder, Trajectory path, Examples[] support,
      Examples query) {
    this.policy = policy;
    this.adaptation = adaptation;
    this.firstOrder = firstOrder;
    this.path = path;
    this.support = support;
    this.query = query;
    this.adaptedBefore = policy.distributions(path.adapted(), query);
    this.logLikelihoodsBefore = adaptedBefore.logLikelihoods();
    this.advantages = advantagesOf(query);
    this.supportPasses = new Policy.Kept[support.length];
  }

  AdaptedPolicyTask withOutcome(TaskOutcome outcome) {
    this.outcome = outcome;
    return this;
  }

  @Override
  public TaskOutcome outcome() {
    return outcome;
  }

  /** The support surrogate's Hessian at inner step {@code j}'s parameters. */
  Curvature supportCurvature(int j) {
    return (direction, out) -> policy.hessianVectorProduct(supportPass(j), direction, out);
  }

  private Policy.Kept supportPass(int j) {
    if (supportPasses[j] == null) {
      supportPasses[j] = policy.keep(path.theta(j), support[j]);
    }
    return supportPasses[j];
  }

  /** J^T F' J v: the inner steps' Jacobian forward, the adapted policy's Fisher, the Jacobian back. */
  @Override
  public double[] fisherProduct(double[] v) {
    double[] u = v.clone();
    if (!firstOrder) {
      double rate = innerRate();
      double[] hu = new double[u.length];
      for (int j = 0; j < path.steps(); j++) {
        supportCurvature(j).times(u, hu);
        for (int i = 0; i < u.length; i++) {
          u[i] -= rate * hu[i];
        }
      }
    }
    double[] fu = new double[u.length];
    if (queryPass == null) {
      queryPass = policy.keep(path.adapted(), query);
    }
    policy.fisherVectorProduct(queryPass, u, fu);
    return firstOrder || path.steps() == 0 ? fu : adaptation.backward(path, fu, this::supportCurvature);
  }

  /**
   * The same inner steps from {@code candidate} on the same support rollouts, the KL's gradient at
   * the parameters they reach, and (second order) back through the steps' Jacobian there.
   */
  @Override
  public double[] klGradient(double[] candidate) {
    int steps = path.steps();
    double[][] thetas = new double[steps + 1][];
    double[][] gradients = new double[steps][];
    double[][] memories = new double[steps][];
    double[] memory = new double[adaptation.rule().memoryValues(candidate.length)];
    thetas[0] = candidate.clone();
    for (int j = 0; j < steps; j++) {
      gradients[j] = new double[candidate.length];
      policy.lossAndGradient(thetas[j], support[j], gradients[j]);
      thetas[j + 1] = thetas[j].clone();
      adaptation.rule().step(j, new double[0], memory, thetas[j + 1], gradients[j]);
      memories[j] = memory.clone();
    }
    Trajectory there = new Trajectory(thetas, gradients, memories, new double[0]);
    double[] gradient = new double[candidate.length];
    policy.meanKlGradient(there.adapted(), query, adaptedBefore, gradient);
    if (firstOrder || steps == 0) {
      return gradient;
    }
    return adaptation.backward(there, gradient,
        j -> (direction, out) -> policy.hessianVectorProduct(there.theta(j), support[j], direction, out));
  }

  @Override
  public double[] surrogateAndKl(double[] candidate) {
    double[] theta = candidate.clone();
    double[] gradient = new double[theta.length];
    for (int j = 0; j < path.steps(); j++) {
      policy.lossAndGradient(theta, support[j], gradient);
      adaptation.rule().step(j, new double[0], theta, gradient);
    }
    Policy.Distributions after = policy.distributions(theta, query);
    double[] logLikelihoods = after.logLikelihoods();
    double surrogate = 0;
    for (int r = 0; r < logLikelihoods.length; r++) {
      surrogate -= advantages[r] * Math.exp(logLikelihoods[r] - logLikelihoodsBefore[r]);
    }
    return new double[] {surrogate / logLikelihoods.length, after.meanKlFrom(adaptedBefore)};
  }

  /**
   * At the old meta-parameters the same inner steps on the same support rollouts give the adapted
   * parameters again, bit for bit, so every likelihood ratio is exp(0) = 1 exactly and the
   * surrogate is minus the mean advantage, summed in the same order as {@link #surrogateAndKl} sums.
   */
  @Override
  public double surrogateAtStart() {
    double surrogate = 0;
    for (double advantage : advantages) {
      surrogate -= advantage;
    }
    return surrogate / advantages.length;
  }

  /** The last label column: what {@link Rollouts#examples} puts there. */
  private static double[] advantagesOf(Examples query) {
    double[] labels = Policy.rowMajor(query.labels());
    int width = (int) query.labels().columns();
    double[] out = new double[query.size()];
    for (int r = 0; r < out.length; r++) {
      out[r] = labels[r * width + width - 1];
    }
    return out;
  }

  /** The forward product through the inner steps is written for plain SGD, the rule MAML-RL adapts by. */
  private double innerRate() {
    if (!(adaptation.rule() instanceof ScalarSgd sgd)) {
      throw new IllegalArgumentException("TRPO's constraint goes through inner steps of plain SGD; the "
          + adaptation.rule().name() + " rule is not one");
    }
    return sgd.learningRate();
  }
}
