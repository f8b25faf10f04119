package io.metaspark.core.rl;

import io.metaspark.core.model.DenseLearner;
import io.metaspark.core.model.Learner;
import io.metaspark.core.task.Examples;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A stochastic policy over a plain MLP (the network's flat parameters first, then the policy's own,
 * if any), seen as a {@link Learner} whose loss is the policy-gradient surrogate
 * L = -(1/N) sum_t w_t log pi(a_t | s_t): so the inner step of MAML-RL is the adaptation's own SGD
 * step on it, and the meta-gradient goes back through that step with the surrogate's exact
 * Hessian-vector product, as for supervised MAML.
 *
 * <p>Its examples are rollouts ({@link Rollouts#examples}): features the observations s_t [N,
 * observations], labels the action taken then its weight w_t (the advantage), [N, action entries + 1].
 *
 * <p>Not thread-safe (the network's work buffers): one per thread, as learners are.
 */
public abstract sealed class Policy implements Learner permits GaussianPolicy, SoftmaxPolicy {
  final DenseLearner network;
  final ActionSpace space;

  Policy(DenseLearner network, ActionSpace space) {
    this.network = network;
    this.space = space;
  }

  /**
   * The policy for {@code space} over {@code learner}'s network: Gaussian for continuous actions,
   * softmax for discrete ones. Refuses a network that is not a plain MLP on the fast path, or whose
   * inputs or outputs do not match the environment's observations and actions.
   */
  public static Policy over(Learner learner, int observationSize, ActionSpace space) {
    if (!(learner instanceof DenseLearner dense)) {
      throw new IllegalArgumentException("a policy needs a plain MLP (dense layers, identity output, model.learner ="
          + " auto); got " + learner.getClass().getSimpleName());
    }
    if (dense.inputs() != observationSize) {
      throw new IllegalArgumentException("the policy network takes " + dense.inputs()
          + " inputs but the environment's observations have " + observationSize);
    }
    if (dense.outputs() != space.size()) {
      throw new IllegalArgumentException("the policy network gives " + dense.outputs() + " outputs but the environment"
          + " has " + space + ": a " + (space.discrete() ? "softmax" : "Gaussian") + " policy needs " + space.size());
    }
    return space.discrete() ? new SoftmaxPolicy(dense, space) : new GaussianPolicy(dense, space);
  }

  public ActionSpace actionSpace() {
    return space;
  }

  /** Parameters of the policy's own after the network's (a Gaussian's log standard deviations). */
  public abstract int ownParams();

  /** Draws an action for each of {@code rows} observations (row-major) into {@code actions} [rows, entries]. */
  public abstract void act(double[] params, double[] observations, int rows, SplittableRandom random, double[] actions);

  /** The surrogate on {@code labels} (rows of action entries then weight), for parameters {@code params}. */
  abstract Surrogate surrogate(double[] params, double[] labels);

  /** The surrogate's loss on the network's outputs, and the policy's own parameters' derivatives. */
  abstract static class Surrogate implements DenseLearner.OutputLoss {
    /** dL/d(own parameters), filled by {@link #gradient}. */
    final double[] ownGradient;
    /** The own parameters' part of H v, filled by {@link #curvature} once {@link #along} has set v's part. */
    final double[] ownCurvature;
    double[] ownDirection;

    Surrogate(int own) {
      ownGradient = new double[own];
      ownCurvature = new double[own];
      ownDirection = new double[own];
    }

    Surrogate along(double[] direction) {
      ownDirection = direction;
      return this;
    }
  }

  @Override
  public int numParams() {
    return network.numParams() + ownParams();
  }

  @Override
  public DataType dataType() {
    return DataType.DOUBLE;
  }

  @Override
  public double unitRoundoff() {
    return network.unitRoundoff();
  }

  @Override
  public double loss(double[] params, Examples examples) {
    return lossAndGradient(params, examples, new double[numParams()]);
  }

  @Override
  public double lossAndGradient(double[] params, Examples examples, double[] gradientOut) {
    checkLength(params, "parameters");
    checkLength(gradientOut, "gradient entries");
    int rows = examples.size();
    Surrogate surrogate = surrogate(params, rowMajor(examples.labels()));
    double[] networkGradient = new double[network.numParams()];
    double loss = network.outputLossGradient(networkPart(params), rowMajor(examples.features()), rows, surrogate,
        networkGradient);
    System.arraycopy(networkGradient, 0, gradientOut, 0, networkGradient.length);
    System.arraycopy(surrogate.ownGradient, 0, gradientOut, networkGradient.length, ownParams());
    return loss;
  }

  /**
   * The gradient in {@code params} of the mean KL(old || pi_params) over the observations of
   * {@code examples} (those {@code old} was computed on) into {@code gradientOut}; returns the KL.
   */
  public double meanKlGradient(double[] params, Examples examples, Distributions old, double[] gradientOut) {
    checkLength(params, "parameters");
    checkLength(gradientOut, "gradient entries");
    Surrogate kl = klFrom(params, old);
    double[] networkGradient = new double[network.numParams()];
    double value = network.outputLossGradient(networkPart(params), rowMajor(examples.features()), examples.size(), kl,
        networkGradient);
    System.arraycopy(networkGradient, 0, gradientOut, 0, networkGradient.length);
    System.arraycopy(kl.ownGradient, 0, gradientOut, networkGradient.length, ownParams());
    return value;
  }

  /** The mean KL(old || pi_params) as a loss on the network's outputs, with its own parameters' gradient; no curvature. */
  abstract Surrogate klFrom(double[] params, Distributions old);

  /** The surrogate's exact Hessian times {@code v}: the network's R-operator and the own parameters' terms. */
  @Override
  public void hessianVectorProduct(double[] params, Examples examples, double[] v, double[] out) {
    checkLength(params, "parameters");
    checkLength(v, "direction entries");
    checkLength(out, "product entries");
    int n = network.numParams();
    Surrogate surrogate = surrogate(params, rowMajor(examples.labels())).along(Arrays.copyOfRange(v, n, v.length));
    double[] networkPart = new double[n];
    network.outputLossCurvature(networkPart(params), rowMajor(examples.features()), examples.size(),
        Arrays.copyOf(v, n), surrogate, networkPart);
    System.arraycopy(networkPart, 0, out, 0, n);
    System.arraycopy(surrogate.ownCurvature, 0, out, n, ownParams());
  }

  @Override
  public boolean exactHessian() {
    return true;
  }

  /**
   * The mean over the batch's observations of the action distribution's Fisher information, times
   * {@code v}: the exact Hessian of the mean KL divergence KL(pi_params || pi_x) in x at x = params.
   * The network's part is J^T M J v (M the Fisher of the distribution in the network's outputs, J
   * the outputs' Jacobian), by the R-operator with a zero output gradient, so the network's own
   * second derivatives drop out as they do from the KL's Hessian at its minimum.
   */
  public void fisherVectorProduct(double[] params, Examples examples, double[] v, double[] out) {
    checkLength(params, "parameters");
    checkLength(v, "direction entries");
    checkLength(out, "product entries");
    int n = network.numParams();
    double[] networkPart = new double[n];
    network.outputLossCurvature(networkPart(params), rowMajor(examples.features()), examples.size(),
        Arrays.copyOf(v, n), outputFisher(params), networkPart);
    System.arraycopy(networkPart, 0, out, 0, n);
    ownFisher(v, out);
  }

  /**
   * The network's forward pass at {@code params} on {@code examples}, kept for many products there
   * (TRPO asks ~22 of each task's support rollouts and ~11 of its query rollouts an iteration): the
   * products below then give the same bits as {@link #hessianVectorProduct(double[], Examples, double[], double[])}
   * and {@link #fisherVectorProduct(double[], Examples, double[], double[])} without a forward pass each.
   */
  Kept keep(double[] params, Examples examples) {
    checkLength(params, "parameters");
    return new Kept(params.clone(), rowMajor(examples.labels()),
        network.keep(networkPart(params), rowMajor(examples.features()), examples.size()));
  }

  /** What {@link #keep} keeps: the parameters, the labels as rows, and the network's forward pass. */
  static final class Kept {
    private final double[] params;
    private final double[] labels;
    private final DenseLearner.Pass pass;

    private Kept(double[] params, double[] labels, DenseLearner.Pass pass) {
      this.params = params;
      this.labels = labels;
      this.pass = pass;
    }
  }

  /** {@link #hessianVectorProduct(double[], Examples, double[], double[])} at a kept pass's parameters and examples. */
  void hessianVectorProduct(Kept kept, double[] v, double[] out) {
    checkLength(v, "direction entries");
    checkLength(out, "product entries");
    int n = network.numParams();
    Surrogate surrogate = surrogate(kept.params, kept.labels).along(Arrays.copyOfRange(v, n, v.length));
    double[] networkPart = new double[n];
    network.outputLossCurvature(kept.pass, Arrays.copyOf(v, n), surrogate, networkPart);
    System.arraycopy(networkPart, 0, out, 0, n);
    System.arraycopy(surrogate.ownCurvature, 0, out, n, ownParams());
  }

  /** {@link #fisherVectorProduct(double[], Examples, double[], double[])} at a kept pass's parameters and examples. */
  void fisherVectorProduct(Kept kept, double[] v, double[] out) {
    checkLength(v, "direction entries");
    checkLength(out, "product entries");
    int n = network.numParams();
    double[] networkPart = new double[n];
    network.outputLossCurvature(kept.pass, Arrays.copyOf(v, n), outputFisher(kept.params), networkPart);
    System.arraycopy(networkPart, 0, out, 0, n);
    ownFisher(v, out);
  }

  /**
   * The Fisher of the distribution in the network's outputs, M, as an output loss whose gradient is
   * zero and whose curvature is M / rows.
   */
  abstract DenseLearner.OutputLoss outputFisher(double[] params);

  /** Writes the own parameters' part of the Fisher product (they have no cross terms with the network's). */
  abstract void ownFisher(double[] v, double[] out);

  /** The action distributions at the observations of {@code examples}, and the likelihoods of its actions. */
  public abstract Distributions distributions(double[] params, Examples examples);

  /** A policy's action distributions on a batch of observations, with the actions taken there. */
  public interface Distributions {
    /** log pi(a_r | s_r) for each row's action. */
    double[] logLikelihoods();

    /** The mean over rows of KL(old || this); {@code old} on the same observations. */
    double meanKlFrom(Distributions old);
  }

  /** The network's outputs (a Gaussian's means, a softmax's logits). */
  @Override
  public INDArray outputs(double[] params, INDArray features) {
    return network.outputs(networkPart(params), features);
  }

  /** The network's vector-Jacobian product; the policy's own parameters do not enter the outputs. */
  @Override
  public void vectorJacobianProduct(double[] params, INDArray features, INDArray outputGradient, double[] gradientOut) {
    checkLength(gradientOut, "gradient entries");
    double[] networkGradient = new double[network.numParams()];
    network.vectorJacobianProduct(networkPart(params), features, outputGradient, networkGradient);
    Arrays.fill(gradientOut, 0);
    System.arraycopy(networkGradient, 0, gradientOut, 0, networkGradient.length);
  }

  /** The network's outputs for {@code rows} row-major observations. */
  double[] networkOutputs(double[] params, double[] observations, int rows) {
    return network.outputRows(networkPart(params), observations, rows);
  }

  double[] networkPart(double[] params) {
    return Arrays.copyOf(params, network.numParams());
  }

  private void checkLength(double[] vector, String what) {
    if (vector.length != numParams()) {
      throw new IllegalArgumentException("the policy has " + numParams() + " parameters (" + network.numParams()
          + " in the network, " + ownParams() + " of its own), got " + vector.length + " " + what);
    }
  }

  static double[] rowMajor(INDArray array) {
    return array.castTo(DataType.DOUBLE).dup('c').data().asDouble();
  }
}
