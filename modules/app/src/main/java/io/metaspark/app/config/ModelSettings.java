package io.metaspark.app.config;

import io.metaspark.core.model.LearnerChoice;
import io.metaspark.core.model.MlpShorthand;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.model.ParameterInit;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * {@code model}: the network (a preset, {@link ModelPreset}; a DL4J JSON file; or the MLP
 * shorthand), where meta-training starts, and what computes it.
 */
public record ModelSettings(Optional<ModelPreset> preset, String jsonFile, String mlp, String activation,
    String outputActivation, String loss, DataType dataType, long seed, ParameterInit init, LearnerChoice learner) {
  public static final Key<String> PRESET = Key.name("model.preset", "",
      "a built-in network instead of json-file or mlp: \"\" (none) or conv4, sized by tasks.images");
  public static final Key<String> JSON_FILE = Key.trimmed("model.json-file", "",
      "a DL4J MultiLayerConfiguration JSON file (as conf.toJson() writes it); when empty, the MLP shorthand");
  public static final Key<String> MLP = Key.string("model.mlp", "1-40-40-1",
      "MLP shorthand: layer sizes in-hidden-...-out");
  public static final Key<String> ACTIVATION = Key.string("model.activation", "relu", "the MLP's hidden activation");
  public static final Key<String> OUTPUT_ACTIVATION = Key.string("model.output-activation", "identity",
      "the MLP's output activation");
  public static final Key<String> LOSS = Key.string("model.loss", "mse", "the MLP's loss");
  public static final Key<String> DATA_TYPE = Key.choice("model.data-type", "float", List.of("float", "double"),
      "the network's floating-point type: float or double");
  public static final Key<Long> SEED = Key.longInteger("model.seed", 1, "seed of the initial parameters");
  public static final Key<ParameterInit> INIT = Key.parsed("model.init", ParameterInit.DL4J, ParameterInit::named,
      ParameterInit::configName,
      "where meta-training starts: dl4j (the configuration's weight init), fan-in-uniform (PyTorch's default) or"
          + " xavier-uniform (TensorFlow's and Keras's default)");
  // changeable on resume: a checkpoint records the implementation it resolved to, and resume compares that
  public static final Key<LearnerChoice> LEARNER = Key.parsed("model.learner", LearnerChoice.AUTO, LearnerChoice::named,
      LearnerChoice::configName,
      "auto: a fast path where one reproduces the network (a float network's convolutions through oneDNN), DL4J"
          + " for everything else; libnd4j, native-convolutions: the earlier convolution routes, to reproduce older"
          + " runs; dl4j: always DL4J. A resumed run must resolve to the implementation its checkpoint records")
      .changeableOnResume();
  static final List<Key<?>> KEYS = List.of(JSON_FILE, MLP, ACTIVATION, OUTPUT_ACTIVATION, LOSS, DATA_TYPE, SEED, INIT,
      LEARNER);

  static ModelSettings read(Values v, Optional<ModelPreset> preset) {
    if (preset.isPresent() && !v.get(JSON_FILE).isEmpty()) {
      throw new ConfigError("model.preset = " + v.get(PRESET) + " and model.json-file " + v.get(JSON_FILE)
          + " both define the network: set one of them");
    }
    return new ModelSettings(preset, v.get(JSON_FILE), v.get(MLP), v.get(ACTIVATION), v.get(OUTPUT_ACTIVATION),
        v.get(LOSS), DataType.valueOf(v.get(DATA_TYPE).toUpperCase(Locale.ROOT)), v.get(SEED), v.get(INIT),
        v.get(LEARNER));
  }

  /** The network: the preset's, the JSON file's, or the MLP shorthand's. */
  ModelSpec network(Values values) {
    if (preset.isPresent()) {
      try {
        return preset.get().create(values, dataType, seed);
      } catch (IllegalArgumentException e) {
        throw new ConfigError("model.preset = " + values.get(PRESET) + ": " + e.getMessage(), e);
      }
    }
    if (!jsonFile.isEmpty()) {
      Path path = Path.of(jsonFile);
      if (!Files.isRegularFile(path)) {
        throw new ConfigError("model.json-file " + jsonFile + " does not exist");
      }
      try {
        return ModelSpec.fromJson(Files.readString(path, StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new ConfigError("cannot read model.json-file " + jsonFile + ": " + e.getMessage(), e);
      } catch (IllegalArgumentException e) {
        throw new ConfigError("model.json-file " + jsonFile + ": " + e.getMessage(), e);
      }
    }
    try {
      return MlpShorthand.parse(mlp).activation(activation).outputActivation(outputActivation).loss(loss)
          .dataType(dataType).seed(seed).toSpec();
    } catch (IllegalArgumentException e) {
      throw new ConfigError("model: " + e.getMessage(), e);
    }
  }
}
