package io.metaspark.core.algo;

/**
 * One task of a meta-batch kept for a trust-region outer step, after its meta-gradient: what it
 * needs to answer the step's rounds (its rollouts, its adapted parameters) stays here, on the
 * executor that computed it, for the rest of the iteration.
 */
public interface TrustRegionTask {
  /** The task's contribution to the mean meta-gradient, as {@link MetaAlgorithm#compute} gives it. */
  TaskOutcome outcome();

  /** The Hessian of the task's KL constraint at the meta-parameters it was computed at, times {@code v}. */
  double[] fisherProduct(double[] v);

  /**
   * The gradient of the task's KL constraint at the meta-parameters {@code candidate}, from the
   * policies it adapted to at the meta-parameters it was computed at: what a finite-difference
   * Fisher-vector product differences.
   */
  double[] klGradient(double[] candidate);

  /** The task's surrogate loss and KL constraint at the meta-parameters {@code candidate}: two entries. */
  double[] surrogateAndKl(double[] candidate);

  /**
   * {@code surrogateAndKl(meta)[0]} at the meta-parameters the task was computed at, the same bits,
   * from what the task kept: the line search's reference needs no recomputation.
   */
  double surrogateAtStart();
}
