package io.metaspark.app.builtin;

import io.metaspark.app.config.Check;
import io.metaspark.app.config.ConfigError;
import io.metaspark.app.config.Key;
import io.metaspark.app.config.ModelPreset;
import io.metaspark.app.config.TaskSettings;
import io.metaspark.app.config.Values;
import io.metaspark.core.model.Conv4;
import io.metaspark.core.model.ModelSpec;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * {@code conv4}: the few-shot papers' image network, sized by the image tasks it classifies:
 * tasks.images.size square inputs of tasks.images.channels, tasks.images.ways outputs (none for an embedding network).
 */
final class Conv4Preset implements ModelPreset {
  static final Key<Integer> FILTERS = Key.integer("model.conv4.filters", 64,
      "filters of each of the four 3x3 convolutions (the papers use 64)").check(Check.atLeast(1));
  static final Key<String> DOWNSAMPLE = Key.string("model.conv4.downsample", "pool",
      "how each block halves the resolution: pool (2x2 max-pooling) or stride (stride-2 convolutions)");
  static final Key<Boolean> BATCH_NORM = Key.flag("model.conv4.batch-norm", true,
      "batch normalization after each convolution, transductive as the MAML reference code");

  static final Key<Boolean> GLOBAL_AVERAGE_POOLING = Key.flag("model.conv4.global-average-pooling", false,
      "average the last block's activations over their positions before the softmax layer (the MAML code's"
          + " Omniglot network); false: DL4J's flattening, every position its own weights");
  static final Key<String> OUTPUT_INIT = Key.string("model.conv4.output-init", "xavier",
      "how the softmax layer's weights start: xavier, or standard-normal (N(0, 1), the MAML code's Omniglot network)");

  static final Key<Boolean> EMBEDDING = Key.flag("model.conv4.embedding", false,
      "no softmax layer: the network outputs the last block's activations (for algorithm.name = protonet)");

  static final List<Key<?>> KEYS = List.of(FILTERS, DOWNSAMPLE, BATCH_NORM, GLOBAL_AVERAGE_POOLING, OUTPUT_INIT, EMBEDDING);

  @Override
  public void check(Values values) {
    if (!values.get(TaskSettings.FAMILY).equals(ImageTasks.NAME)) {
      throw new ConfigError("model.preset = conv4 classifies images: it needs tasks.family = images");
    }
  }

  @Override
  public ModelSpec create(Values values, DataType dataType, long seed) {
    int size = values.get(ImageTasks.SIZE);
    try {
      Conv4 conv4 = values.get(EMBEDDING) ? Conv4.embedding(size) : Conv4.of(size, values.get(ImageTasks.WAYS));
      return conv4.channels(values.get(ImageTasks.CHANNELS)).filters(values.get(FILTERS))
          .downsample(values.get(DOWNSAMPLE)).batchNorm(values.get(BATCH_NORM))
          .globalAveragePooling(values.get(GLOBAL_AVERAGE_POOLING)).outputInit(values.get(OUTPUT_INIT))
          .dataType(dataType).seed(seed).toSpec();
    } catch (IllegalArgumentException e) {
      throw new ConfigError("model.conv4 (with tasks.images.size " + size + "): " + e.getMessage(), e);
    }
  }
}
