package io.metaspark.app.builtin;

import io.metaspark.app.config.AlgorithmType;
import io.metaspark.app.config.Values;
import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.algo.FirstOrderMaml;
import io.metaspark.core.algo.MetaAlgorithm;

/** {@code fomaml}: first-order MAML. */
final class FirstOrderMamlAlgorithm implements AlgorithmType {
  @Override
  public String name() {
    return "fomaml";
  }

  @Override
  public MetaAlgorithm create(Adaptation adaptation, Values values) {
    return new FirstOrderMaml(adaptation);
  }
}
