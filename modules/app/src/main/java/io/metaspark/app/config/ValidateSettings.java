package io.metaspark.app.config;

import java.util.List;

/** {@code validate}: periodic validation on held-out tasks during training. */
public record ValidateSettings(int every, int tasks, long seed, int keepBest) {
  public static final Key<Integer> EVERY = Key.integer("validate.every", 0,
      "every this-many iterations, adapt to held-out validation tasks and log their query loss (a policy's average"
          + " return); 0 = never")
      .check(Check.atLeast(0)).changeableOnResume();
  public static final Key<Integer> TASKS = Key.integer("validate.tasks", 200, "validation tasks")
      .check(Check.atLeast(2)).changeableOnResume();
  public static final Key<Long> SEED = Key.longInteger("validate.seed", 8,
      "the validation tasks' seed, apart from both training's and the final evaluation's").changeableOnResume();
  public static final Key<Integer> KEEP_BEST = Key.integer("validate.keep-best", 0,
      "keep the models of this many best validations in the run's best/ (evaluate --model <run>/best evaluates them"
          + " as an ensemble); 0 = none")
      .check(Check.atLeast(0)).changeableOnResume();
  static final List<Key<?>> KEYS = List.of(EVERY, TASKS, SEED, KEEP_BEST);

  static ValidateSettings read(Values v) {
    return new ValidateSettings(v.get(EVERY), v.get(TASKS), v.get(SEED), v.get(KEEP_BEST));
  }
}
