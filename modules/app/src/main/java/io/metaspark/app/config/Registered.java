package io.metaspark.app.config;

import java.util.List;

/**
 * An entry of a {@link Registry}: an algorithm, a task family, an optimizer, a learning-rate
 * schedule or a model preset, chosen by name in the config, with the keys it reads declared here
 * once. Its keys are read and checked only when the config selects it.
 */
public interface Registered {
  /** The name the config selects it by (e.g. {@code algorithm.name = maml}): lower case. */
  String name();

  /** Its own keys. */
  default List<Key<?>> keys() {
    return List.of();
  }

  /**
   * When it is selected, after every key is read: checks that take several keys (its own, or other
   * sections'), throwing a {@link ConfigError} that names them.
   */
  default void check(Values values) {}
}
