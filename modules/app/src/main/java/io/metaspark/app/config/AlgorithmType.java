package io.metaspark.app.config;

import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.algo.MetaAlgorithm;
import io.metaspark.core.model.ModelSpec;

/** A meta-learning algorithm, as {@code algorithm.name} selects it. */
@FunctionalInterface
public interface AlgorithmType extends Registered {
  /**
   * The algorithm, adapting to tasks by {@code adaptation} ({@code algorithm.inner-steps} steps of
   * SGD at {@code algorithm.inner-lr}) or by a rule of its own built from it, for the network
   * {@code model}, with its own keys' values from {@code values}.
   */
  MetaAlgorithm create(Adaptation adaptation, ModelSpec model, Values values);
}
