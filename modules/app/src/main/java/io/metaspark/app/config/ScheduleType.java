package io.metaspark.app.config;

import io.metaspark.core.optim.GradientTransformation;
import java.util.Optional;

/** A learning-rate schedule, as {@code outer.schedule} selects it. */
@FunctionalInterface
public interface ScheduleType extends Registered {
  /**
   * What scales the optimizer's updates, chained after it; empty for a constant learning rate, so
   * that the optimizer's state stays what checkpoints from before schedules hold.
   */
  Optional<GradientTransformation> create(Values values);
}
