package io.metaspark.app.builtin;

import io.metaspark.app.config.Check;
import io.metaspark.app.config.Key;
import io.metaspark.app.config.Values;
import io.metaspark.core.optim.GradientTransformation;
import io.metaspark.core.optim.ScaleBySchedule;
import io.metaspark.core.optim.StepDecay;
import java.util.List;
import java.util.Optional;

/** {@code step}: lr multiplied by factor every N updates (Prototypical Networks: halved every 2000 episodes). */
final class StepSchedule {
  static final Key<Long> EVERY = Key.longInteger("outer.step.every", 2000,
      "updates between two multiplications of the learning rate by outer.step.factor").check(Check.atLeast(1L));
  static final Key<Double> FACTOR = Key.number("outer.step.factor", 0.5,
      "what the learning rate is multiplied by every outer.step.every updates")
      .check(Check.that(f -> f > 0 && f <= 1, "in (0, 1]"));

  static final List<Key<?>> KEYS = List.of(EVERY, FACTOR);

  private StepSchedule() {}

  static Optional<GradientTransformation> create(Values values) {
    return Optional.of(new ScaleBySchedule(new StepDecay(values.get(EVERY), values.get(FACTOR))));
  }
}
