package io.metaspark.app.builtin;

import io.metaspark.app.config.AlgorithmType;
import io.metaspark.app.config.Values;
import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.algo.MetaAlgorithm;
import io.metaspark.core.algo.Reptile;

/** {@code reptile}: Reptile (with outer sgd at lr = epsilon, the paper's update). */
final class ReptileAlgorithm implements AlgorithmType {
  @Override
  public String name() {
    return "reptile";
  }

  @Override
  public MetaAlgorithm create(Adaptation adaptation, Values values) {
    return new Reptile(adaptation);
  }
}
