package io.metaspark.app.config;

/**
 * What every registry entry (an algorithm, a task family, an optimizer, a learning-rate schedule,
 * a model preset) may do besides building its object: checks across keys. Its name and keys are
 * given when it is registered ({@link Registry#register}).
 */
public interface Registered {
  /**
   * When it is selected, after every key is read: checks that take several keys (its own, or other
   * sections'), throwing a {@link ConfigError} that names them.
   */
  default void check(Values values) {}
}
