package io.metaspark.app.config;

import java.util.List;

/** {@code checkpoint}: how often training state is saved, and how many saves are kept. */
public record CheckpointSettings(int every, int keep) {
  public static final Key<Integer> EVERY = Key.integer("checkpoint.every", 1000,
      "write a checkpoint every this-many iterations, and at the end").check(Check.atLeast(1)).changeableOnResume();
  public static final Key<Integer> KEEP = Key.integer("checkpoint.keep", 3,
      "how many of the newest checkpoints to keep").check(Check.atLeast(1)).changeableOnResume();
  static final List<Key<?>> KEYS = List.of(EVERY, KEEP);

  static CheckpointSettings read(Values v) {
    return new CheckpointSettings(v.get(EVERY), v.get(KEEP));
  }
}
