package io.metaspark.app.config;

import io.metaspark.core.optim.GradientTransformation;

/**
 * An outer optimizer, as {@code outer.optimizer} selects it. The job chains it after the gradient
 * clipping ({@code outer.clip-norm}) and before the learning-rate schedule ({@code outer.schedule}).
 */
@FunctionalInterface
public interface OptimizerType extends Registered {
  GradientTransformation create(double learningRate, Values values);
}
