package io.metaspark.app.config;

import java.util.List;

/** {@code train}: how long meta-training runs, its meta-batch, its log, and its divergence guard. */
public record TrainSettings(long iterations, int metaBatch, int logEvery, int maxSkippedUpdates,
    double maxParameterMagnitude) {
  public static final Key<Long> ITERATIONS = Key.longInteger("train.iterations", 1000, "meta-iterations of the run")
      .check(Check.atLeast(1L)).changeableOnResume();
  public static final Key<Integer> META_BATCH = Key.integer("train.meta-batch", 25, "tasks per meta-iteration")
      .check(Check.atLeast(1));
  public static final Key<Integer> LOG_EVERY = Key.integer("train.log-every", 100,
      "a progress line and a metrics.jsonl record (with measured query losses) every this-many iterations")
      .check(Check.atLeast(1)).changeableOnResume();
  public static final Key<Integer> MAX_SKIPPED_UPDATES = Key.integer("train.max-skipped-updates", 5,
      "a blown-up update is skipped; this many skipped in a row stop the run (exit code 4)").check(Check.atLeast(1));
  public static final Key<Double> MAX_PARAMETER_MAGNITUDE = Key.number("train.max-parameter-magnitude", 1e6,
      "an update that gives a parameter this large counts as blown up").check(Check.positive());
  static final List<Key<?>> KEYS = List.of(ITERATIONS, META_BATCH, LOG_EVERY, MAX_SKIPPED_UPDATES,
      MAX_PARAMETER_MAGNITUDE);

  static TrainSettings read(Values v) {
    return new TrainSettings(v.get(ITERATIONS), v.get(META_BATCH), v.get(LOG_EVERY), v.get(MAX_SKIPPED_UPDATES),
        v.get(MAX_PARAMETER_MAGNITUDE));
  }
}
