package io.metaspark.app.config;

import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.algo.MetaAlgorithm;
import java.util.List;

/** A meta-learning algorithm, as {@code algorithm.name} selects it. */
public interface AlgorithmType extends Registered {
  /**
   * The algorithm, adapting to tasks by {@code adaptation} ({@code algorithm.inner-steps} steps of
   * SGD at {@code algorithm.inner-lr}), with its own keys' values from {@code values}.
   */
  MetaAlgorithm create(Adaptation adaptation, Values values);

  /** How an entry builds its algorithm: {@link #create}. */
  @FunctionalInterface
  interface Factory {
    MetaAlgorithm create(Adaptation adaptation, Values values);
  }

  /** The entry {@code name}, reading {@code keys}, that builds its algorithm with {@code factory}. */
  static AlgorithmType of(String name, List<Key<?>> keys, Factory factory) {
    record Entry(String name, List<Key<?>> keys, Factory factory) implements AlgorithmType {
      @Override
      public MetaAlgorithm create(Adaptation adaptation, Values values) {
        return factory.create(adaptation, values);
      }
    }
    return new Entry(name, List.copyOf(keys), factory);
  }
}
