package io.metaspark.app.config;

import io.metaspark.core.optim.GradientTransformation;
import java.util.List;
import java.util.Optional;

/** A learning-rate schedule, as {@code outer.schedule} selects it. */
public interface ScheduleType extends Registered {
  /**
   * What scales the optimizer's updates, chained after it; empty for a constant learning rate, so
   * that the optimizer's state stays what checkpoints from before schedules hold.
   */
  Optional<GradientTransformation> create(Values values);

  /** How an entry builds its scaling: {@link #create}. */
  @FunctionalInterface
  interface Factory {
    Optional<GradientTransformation> create(Values values);
  }

  /** The entry {@code name}, reading {@code keys}, that builds its scaling with {@code factory}. */
  static ScheduleType of(String name, List<Key<?>> keys, Factory factory) {
    record Entry(String name, List<Key<?>> keys, Factory factory) implements ScheduleType {
      @Override
      public Optional<GradientTransformation> create(Values values) {
        return factory.create(values);
      }
    }
    return new Entry(name, List.copyOf(keys), factory);
  }
}
