package io.metaspark.core.optim;

import java.io.Serializable;

/**
 * An outer optimizer, or a part of one, in the style of optax: a pure function from (gradient,
 * state, parameters) to (updates, next state), with the state plain values ({@link OptimizerState})
 * and no hidden fields, so a checkpoint holds all of it and a resumed run continues bit-identically.
 * Transformations compose ({@link Chain}): clip the gradient's norm, then Adam, then scale by a
 * learning-rate schedule is one optimizer.
 *
 * <p>The updates are added to the parameters ({@link Update#applyTo}). Inputs are never modified.
 */
public interface GradientTransformation extends Serializable {
  /** The state before the first update, for parameters like {@code params}. */
  OptimizerState init(double[] params);

  /** The updates for {@code gradient} given {@code state}, at parameters {@code params}, and the next state. */
  Update update(double[] gradient, OptimizerState state, double[] params);

  /**
   * Whether it needs the meta-batch's curvature ({@link MetaBatchCurvature}) beyond the mean
   * gradient: a trust-region step does, and is then called through the overload that takes it.
   */
  default boolean needsCurvature() {
    return false;
  }

  /** The update, for a transformation that may ask the meta-batch more than its mean gradient; by default the plain one. */
  default Update update(double[] gradient, OptimizerState state, double[] params, MetaBatchCurvature curvature) {
    return update(gradient, state, params);
  }

  /** The kind its state is marked with (see {@link OptimizerState#kind}). */
  String name();

  /** How it is set, for people: e.g. "adam" or "clip to norm 1.0, then adam". */
  default String describe() {
    return name();
  }
}
