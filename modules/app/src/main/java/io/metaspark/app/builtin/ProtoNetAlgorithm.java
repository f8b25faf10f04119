package io.metaspark.app.builtin;

import io.metaspark.app.config.AlgorithmType;
import io.metaspark.app.config.ConfigError;
import io.metaspark.app.config.ModelSettings;
import io.metaspark.app.config.Values;
import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.algo.MetaAlgorithm;
import io.metaspark.core.algo.ProtoNet;
import io.metaspark.core.model.ModelSpec;

/**
 * {@code protonet}: Prototypical Networks. The network is an embedding (no output layer), so conv4
 * must be built as one; the inner-loop keys do not apply (there is no inner loop).
 */
final class ProtoNetAlgorithm implements AlgorithmType {
  @Override
  public void check(Values values) {
    if (values.get(ModelSettings.PRESET).equals("conv4") && !values.get(Conv4Preset.EMBEDDING)) {
      throw new ConfigError("algorithm.name = protonet classifies by prototypes of embeddings: with model.preset ="
          + " conv4 set model.conv4.embedding = true (the network without its softmax layer)");
    }
  }

  @Override
  public MetaAlgorithm create(Adaptation adaptation, ModelSpec model, Values values) {
    return new ProtoNet();
  }
}
