package io.metaspark.app.config;

import java.util.List;

/**
 * {@code outer}: the outer optimizer as a chain: clip the mean meta-gradient's norm
 * ({@code clip-norm} > 0), then the optimizer ({@link OptimizerType}), then the learning-rate
 * schedule ({@link ScheduleType}).
 */
public record OuterSettings(OptimizerType optimizer, double lr, double clipNorm, ScheduleType schedule) {
  public static final Key<String> OPTIMIZER = Key.name("outer.optimizer", "adam",
      "adam, sgd (for Reptile, sgd with lr = epsilon is the paper's update) or trpo (MAML-RL's, outer.trpo)");
  public static final Key<Double> LR = Key.number("outer.lr", 0.001, "the outer learning rate").check(Check.positive());
  public static final Key<Double> CLIP_NORM = Key.number("outer.clip-norm", 0,
      "clip the mean meta-gradient to this L2 norm before the optimizer sees it; 0 = no clipping")
      .check(Check.that(v -> v >= 0 && Double.isFinite(v), ">= 0 (0 = no clipping)")).valueBeforeTheKey(0.0);
  public static final Key<String> SCHEDULE = Key.name("outer.schedule", "constant",
      "the learning-rate schedule: constant, or cosine (annealed over outer.cosine.steps updates)")
      .valueBeforeTheKey("constant");
  static final List<Key<?>> KEYS = List.of(LR, CLIP_NORM);
}
