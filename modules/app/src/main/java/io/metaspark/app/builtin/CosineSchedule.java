package io.metaspark.app.builtin;

import io.metaspark.app.config.Check;
import io.metaspark.app.config.Key;
import io.metaspark.app.config.Values;
import io.metaspark.core.optim.CosineAnnealing;
import io.metaspark.core.optim.GradientTransformation;
import io.metaspark.core.optim.ScaleBySchedule;
import java.util.List;
import java.util.Optional;

/** {@code cosine}: annealed from lr to min-fraction x lr over steps updates along half a cosine, then held there. */
final class CosineSchedule {
  static final Key<Long> STEPS = Key.longInteger("outer.cosine.steps", 0,
      "updates to anneal over (usually train.iterations); must be set for schedule = cosine")
      .check((path, steps) -> steps >= 1 ? null : "outer.schedule = cosine needs " + path
          + " >= 1 (the updates to anneal over, usually train.iterations), got " + steps)
      .valueBeforeTheKey(0L);
  static final Key<Double> MIN_FRACTION = Key.number("outer.cosine.min-fraction", 0,
      "the fraction of lr the schedule ends at").check(Check.that(f -> f >= 0 && f <= 1, "in [0, 1]"))
      .valueBeforeTheKey(0.0);

  static final List<Key<?>> KEYS = List.of(STEPS, MIN_FRACTION);

  private CosineSchedule() {}

  static Optional<GradientTransformation> create(Values values) {
    return Optional.of(new ScaleBySchedule(new CosineAnnealing(values.get(STEPS), values.get(MIN_FRACTION))));
  }
}
