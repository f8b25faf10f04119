package io.metaspark.app.config;

import io.metaspark.core.optim.GradientTransformation;
import java.util.List;

/**
 * An outer optimizer, as {@code outer.optimizer} selects it. The job chains it after the gradient
 * clipping ({@code outer.clip-norm}) and before the learning-rate schedule ({@code outer.schedule}).
 */
public interface OptimizerType extends Registered {
  GradientTransformation create(double learningRate, Values values);

  /** How an entry builds its optimizer: {@link #create}. */
  @FunctionalInterface
  interface Factory {
    GradientTransformation create(double learningRate, Values values);
  }

  /** The entry {@code name}, reading {@code keys}, that builds its optimizer with {@code factory}. */
  static OptimizerType of(String name, List<Key<?>> keys, Factory factory) {
    record Entry(String name, List<Key<?>> keys, Factory factory) implements OptimizerType {
      @Override
      public GradientTransformation create(double learningRate, Values values) {
        return factory.create(learningRate, values);
      }
    }
    return new Entry(name, List.copyOf(keys), factory);
  }
}
