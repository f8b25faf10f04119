package io.metaspark.app.builtin;

import io.metaspark.app.config.Check;
import io.metaspark.app.config.ConfigError;
import io.metaspark.app.config.Key;
import io.metaspark.app.config.Locations;
import io.metaspark.app.config.TaskFamilyType;
import io.metaspark.app.config.TaskSettings;
import io.metaspark.app.config.ValidateSettings;
import io.metaspark.app.config.Values;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.task.TaskFamily;
import io.metaspark.core.task.image.ClassSplit;
import io.metaspark.core.task.image.EpisodeTaskFamily;
import io.metaspark.core.task.image.ImagePreprocessing;
import io.metaspark.spark.data.ImageFolderSource;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;

/**
 * {@code images}: N-way K-shot classification episodes from folders or zips of class images
 * (Omniglot's layout or one folder per class), split into parts by character or alphabet.
 */
public final class ImageTasks implements TaskFamilyType {
  static final String NAME = "images";
  static final Key<List<String>> LOCATIONS = Key.strings("tasks.images.locations", List.of(),
      "folders or .zip files of <alphabet>/<character>/<image> or <class>/<image>: any Hadoop URI or path")
      .check((path, locations) -> locations.isEmpty() || locations.stream().anyMatch(l -> l.trim().isEmpty())
          ? path + " must list at least one image folder or .zip file, got "
              + locations.stream().map(String::trim).toList() : null);
  static final Key<Boolean> ROTATIONS = Key.flag("tasks.images.rotations", true,
      "also make each character's 90, 180 and 270 degree turns classes (the few-shot papers' augmentation)");
  static final Key<Integer> SIZE = Key.integer("tasks.images.size", 28,
      "images are resized (area-averaged) to size x size pixels in [0, 1]").check(Check.atLeast(1));
  static final Key<Integer> CHANNELS = Key.integer("tasks.images.channels", 1,
      "1: gray (luma); 3: RGB, as miniImageNet's color images")
      .check(Check.that(c -> c == 1 || c == 3, "1 (gray) or 3 (RGB)"));
  static final Key<Boolean> INVERT = Key.flag("tasks.images.invert", true,
      "1 - intensity, so that dark strokes on white paper become ones on zeros");
  static final Key<String> SPLIT = Key.choice("tasks.images.split", "standard",
      List.of("standard", "alphabets", "folders"),
      "standard: 1200 random characters for meta-training, the rest for testing; alphabets: by Omniglot's two sets;"
          + " folders: by the train/, val/ and test/ folders the classes are in (miniImageNet's layout)");
  static final Key<Long> SPLIT_SEED = Key.longInteger("tasks.images.split-seed", 0,
      "seed of the split's random draws (which characters train, which validate)");
  static final Key<Integer> VALIDATION_CHARACTERS = Key.integer("tasks.images.validation-characters", 100,
      "characters held out of the training part for periodic validation (with their rotations)")
      .check(Check.atLeast(0));
  static final Key<Integer> WAYS = Key.integer("tasks.images.ways", 5,
      "N: classes per task, and the width of the network's output").check(Check.atLeast(2));
  static final Key<Integer> TRAIN_WAYS = Key.integer("tasks.images.train-ways", 0,
      "classes per meta-training task, when not N (Prototypical Networks train 60-way); 0 = tasks.images.ways."
          + " Only for networks without an N-wide output (protonet's embedding)")
      .check(Check.that(w -> w == 0 || w >= 2, "0 (= ways) or >= 2"));
  static final List<Key<?>> KEYS = List.of(LOCATIONS, ROTATIONS, SIZE, CHANNELS, INVERT, SPLIT, SPLIT_SEED,
      VALIDATION_CHARACTERS, WAYS, TRAIN_WAYS);
  /** What adapt needs of a training config to prepare a user's images as training prepared its own. */
  public static final List<Key<?>> PREPROCESSING_KEYS = List.of(SIZE, CHANNELS, INVERT);

  @Override
  public void check(Values values) {
    int every = values.get(ValidateSettings.EVERY);
    if (values.get(VALIDATION_CHARACTERS) == 0 && every > 0 && !byFolders(values)) {
      throw new ConfigError("validate.every = " + every
          + " needs validation characters: tasks.images.validation-characters must be >= 1");
    }
    classSplit(values);
  }

  private static ClassSplit classSplit(Values values) {
    long seed = values.get(SPLIT_SEED);
    int validation = values.get(VALIDATION_CHARACTERS);
    if (byFolders(values)) {
      return ClassSplit.byFolders();
    }
    try {
      return values.get(SPLIT).equals("alphabets")
          ? ClassSplit.omniglotAlphabets(seed, validation)
          : ClassSplit.omniglotStandard(seed, validation);
    } catch (IllegalArgumentException e) {
      throw new ConfigError("tasks.images.validation-characters: " + e.getMessage(), e);
    }
  }

  /** The data's own train/, val/ and test/ folders split it; validation-characters does not apply. */
  private static boolean byFolders(Values values) {
    return values.get(SPLIT).equals("folders");
  }

  @Override
  public TaskFamily create(ClassSplit.Part part, Values values, Locations locations) {
    ImageFolderSource source = new ImageFolderSource(
        locations(values).stream().map(l -> locations.qualified(LOCATIONS, l)).toList(), preprocessing(values),
        values.get(ROTATIONS));
    return new EpisodeTaskFamily(source, classSplit(values), part, ways(values, part),
        values.get(TaskSettings.SUPPORT), values.get(TaskSettings.QUERY));
  }

  /** N of the part's tasks: tasks.images.train-ways for meta-training when set, tasks.images.ways otherwise. */
  private static int ways(Values values, ClassSplit.Part part) {
    int trainWays = values.get(TRAIN_WAYS);
    return part == ClassSplit.Part.TRAIN && trainWays > 0 ? trainWays : values.get(WAYS);
  }

  /**
   * Only that each location exists: the images are read on the executors, and reading them here
   * would cost the driver the whole data set's decoding before any work starts.
   */
  @Override
  public void checkData(Values values, Locations locations, ModelSpec model) {
    int trainWays = values.get(TRAIN_WAYS);
    MultiLayerConfiguration network = model.configuration();
    if (trainWays > 0 && trainWays != values.get(WAYS)
        && network.getConf(network.getConfs().size() - 1).getLayer() instanceof BaseOutputLayer) {
      throw new ConfigError("tasks.images.train-ways = " + trainWays + " differs from tasks.images.ways = "
          + values.get(WAYS) + ", but the network ends in an output layer of fixed width; train-ways is for"
          + " embedding networks (algorithm.name = protonet, model.conv4.embedding = true)");
    }
    locations(values).forEach(l -> locations.requireExists(LOCATIONS, l));
  }

  /** N x K support and N x Q query images of size x size pixels. */
  @Override
  public TaskShape shape(Values values, ModelSpec model) {
    int ways = ways(values, ClassSplit.Part.TRAIN);
    int size = values.get(SIZE);
    return new TaskShape(ways * values.get(TaskSettings.SUPPORT), ways * values.get(TaskSettings.QUERY),
        InputType.convolutional(size, size, values.get(CHANNELS)));
  }

  /**
   * How image tasks prepare images: also what adapt applies to a user's images for a model trained
   * on them ({@link #PREPROCESSING_KEYS} of the config model.json records).
   */
  public static ImagePreprocessing preprocessing(Values values) {
    int size = values.get(SIZE);
    return new ImagePreprocessing(size, size, values.get(CHANNELS) == 1, values.get(INVERT),
        ImagePreprocessing.Resize.AREA_AVERAGING);
  }

  private static List<String> locations(Values values) {
    return values.get(LOCATIONS).stream().map(String::trim).toList();
  }
}
