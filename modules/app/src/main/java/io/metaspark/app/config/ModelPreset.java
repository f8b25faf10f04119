package io.metaspark.app.config;

import io.metaspark.core.model.ModelSpec;
import org.nd4j.linalg.api.buffer.DataType;

/** A built-in network, as {@code model.preset} selects it instead of {@code model.json-file} or {@code model.mlp}. */
@FunctionalInterface
public interface ModelPreset extends Registered {
  /** The network, in {@code dataType}, its initial parameters seeded by {@code seed} ({@code model.seed}). */
  ModelSpec create(Values values, DataType dataType, long seed);
}
