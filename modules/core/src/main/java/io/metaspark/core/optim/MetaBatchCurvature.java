package io.metaspark.core.optim;

/**
 * What a trust-region outer step asks of the meta-batch beyond its mean meta-gradient: the mean
 * Fisher-vector product of the constraint, and the surrogate and the constraint at a candidate.
 * Each call is a round over every task of the meta-batch; in barrier mode, one exchange of partial
 * sums between the partitions that hold the tasks ({@code io.metaspark.core.algo.TrustRegionTasks}).
 */
public interface MetaBatchCurvature {
  /** The mean over the meta-batch of the constraint's Hessian at the current parameters, times {@code v}. */
  double[] fisherProduct(double[] v);

  /**
   * The mean over the meta-batch of the constraint's gradient at {@code candidate}: a
   * finite-difference Fisher-vector product's two ends. Refused where the tasks cannot give it.
   */
  default double[] klGradient(double[] candidate) {
    throw new UnsupportedOperationException("this meta-batch gives no gradient of its constraint");
  }

  /** The mean surrogate loss and the mean constraint (KL divergence) at {@code candidate}. */
  SurrogateAndKl at(double[] candidate);

  /**
   * {@code at(params).surrogate()} at the current parameters, the line search's reference; an
   * implementation that knows it without recomputing (the tasks kept it) says so by overriding.
   */
  default double surrogateAtCurrent(double[] params) {
    return at(params).surrogate();
  }

  /**
   * @param surrogate the importance-weighted loss, whose gradient at the current parameters is the meta-gradient
   * @param kl the mean KL divergence from the current parameters' policies
   */
  record SurrogateAndKl(double surrogate, double kl) {}
}
