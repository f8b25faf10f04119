package io.metaspark.core.optim;

/**
 * What a transformation returns: the updates to add to the parameters, the next state, and, for a
 * line-searched step (TRPO's), what its search did (else null).
 */
public record Update(double[] delta, OptimizerState state, LineSearch lineSearch) {
  public Update(double[] delta, OptimizerState state) {
    this(delta, state, null);
  }

  /** params += delta */
  public void applyTo(double[] params) {
    if (params.length != delta.length) {
      throw new IllegalArgumentException("update has " + delta.length + " entries, parameters " + params.length);
    }
    for (int i = 0; i < params.length; i++) {
      params[i] += delta[i];
    }
  }
}
