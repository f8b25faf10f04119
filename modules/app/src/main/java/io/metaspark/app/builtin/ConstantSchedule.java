package io.metaspark.app.builtin;

import io.metaspark.app.config.ScheduleType;
import io.metaspark.app.config.Values;
import io.metaspark.core.optim.GradientTransformation;
import java.util.Optional;

/** {@code constant}: outer.lr throughout; nothing is chained after the optimizer. */
final class ConstantSchedule implements ScheduleType {
  @Override
  public String name() {
    return "constant";
  }

  @Override
  public Optional<GradientTransformation> create(Values values) {
    return Optional.empty();
  }
}
