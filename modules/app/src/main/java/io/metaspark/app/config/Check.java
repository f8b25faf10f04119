package io.metaspark.app.config;

import java.util.function.Predicate;

/**
 * A rule a key's value must follow, checked once when the config is read. The message names the
 * key and the value, e.g. "train.meta-batch must be >= 1, got 0".
 */
@FunctionalInterface
public interface Check<T> {
  /** Why {@code value} is not allowed for the key at {@code path}, as the error says it; null when it is allowed. */
  String problem(String path, T value);

  /** "{path} must be {requirement}, got {value}" unless {@code allowed}. */
  static <T> Check<T> that(Predicate<T> allowed, String requirement) {
    return (path, value) -> allowed.test(value) ? null : path + " must be " + requirement + ", got " + value;
  }

  static Check<Integer> atLeast(int min) {
    return that(v -> v >= min, ">= " + min);
  }

  static Check<Long> atLeast(long min) {
    return that(v -> v >= min, ">= " + min);
  }

  /** Finite and above zero. */
  static Check<Double> positive() {
    return that(v -> v > 0 && Double.isFinite(v), "a positive number");
  }

  /** Not empty once trimmed. */
  static Check<String> nonEmpty() {
    return (path, value) -> value.trim().isEmpty() ? path + " must not be empty" : null;
  }
}
