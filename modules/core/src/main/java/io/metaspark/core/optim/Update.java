package io.metaspark.core.optim;

/** What a transformation returns: the updates to add to the parameters, and the next state. */
public record Update(double[] delta, OptimizerState state) {
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
