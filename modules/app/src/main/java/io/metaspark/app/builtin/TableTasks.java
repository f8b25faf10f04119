package io.metaspark.app.builtin;

import io.metaspark.app.config.Check;
import io.metaspark.app.config.ConfigError;
import io.metaspark.app.config.Key;
import io.metaspark.app.config.Locations;
import io.metaspark.app.config.ModelSettings;
import io.metaspark.app.config.RunSettings;
import io.metaspark.app.config.TaskFamilyType;
import io.metaspark.app.config.TaskSettings;
import io.metaspark.app.config.ValidateSettings;
import io.metaspark.app.config.Values;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.task.TaskFamily;
import io.metaspark.core.task.image.ClassSplit;
import io.metaspark.core.task.table.GroupSplit;
import io.metaspark.core.task.table.TableTaskFamily;
import io.metaspark.spark.data.StoredTable;
import io.metaspark.spark.data.TableSource;
import java.io.PrintStream;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;

/**
 * {@code table}: each group of rows of a Parquet or CSV table (the rows sharing a key, e.g. a user
 * or a site) is a task; groups go to the parts by a hash of their key. The executors read the
 * groups from a task store built once from the table ({@link TaskStorePreparation}).
 */
public final class TableTasks implements TaskFamilyType {
  public static final Key<String> LOCATION = Key.trimmed("tasks.table.location", "",
      "the table: a file or a folder of files, any Hadoop URI or path; it must exist").check(Check.nonEmpty());
  public static final Key<String> FORMAT = Key.choice("tasks.table.format", "parquet", List.of("parquet", "csv"),
      "parquet, or csv (a header line with the column names; column types inferred)");
  public static final Key<String> KEY_COLUMN = Key.trimmed("tasks.table.key-column", "",
      "the column whose value names a row's task (a user, a device, a site); any type").check(Check.nonEmpty());
  public static final Key<List<String>> FEATURE_COLUMNS = Key.strings("tasks.table.feature-columns", List.of(),
      "numeric columns the network takes as inputs, in this order")
      .check((path, features) -> features.isEmpty() || features.stream().anyMatch(String::isBlank)
          ? path + " must list at least one column name, got " + features : null)
      .check((path, features) -> new HashSet<>(features).size() != features.size()
          ? path + " lists a column twice: " + features : null);
  public static final Key<String> TARGET_COLUMN = Key.trimmed("tasks.table.target-column", "",
      "a numeric column to regress (MSE, 1 output); set this or label-column");
  public static final Key<String> LABEL_COLUMN = Key.trimmed("tasks.table.label-column", "",
      "a column of numeric class labels (as many classes as the network's outputs); set this or target-column");
  static final Key<Long> SPLIT_SEED = Key.longInteger("tasks.table.split-seed", 0,
      "groups go to test / validation / train by a hash of (split-seed, key)");
  static final Key<Double> TEST_FRACTION = Key.number("tasks.table.test-fraction", 0.2, "the test groups' share");
  static final Key<Double> VALIDATION_FRACTION = Key.number("tasks.table.validation-fraction", 0.1,
      "the validation groups' share, for validate.every > 0");
  static final Key<String> STORE = Key.trimmed("tasks.table.store", "",
      "where the grouped rows are stored for the executors; \"\" = <run.dir>/<run.name>/task-store");
  static final Key<Integer> STORE_BUCKETS = Key.integer("tasks.table.store-buckets", 16,
      "the store's bucket files: one Spark task writes each, holding its groups' rows in memory")
      .check(Check.atLeast(1));
  static final Key<Integer> CACHE_MB = Key.integer("tasks.table.cache-mb", 0,
      "the most MB of rows an executor JVM keeps; 0 keeps every group it reads (the whole table, in practice)")
      .check(Check.atLeast(0));

  static final List<Key<?>> KEYS = List.of(LOCATION, FORMAT, KEY_COLUMN, FEATURE_COLUMNS, TARGET_COLUMN,
      LABEL_COLUMN, SPLIT_SEED, TEST_FRACTION, VALIDATION_FRACTION, STORE, STORE_BUCKETS,
      CACHE_MB);

  @Override
  public void check(Values values) {
    String target = values.get(TARGET_COLUMN);
    String label = values.get(LABEL_COLUMN);
    if (target.isEmpty() == label.isEmpty()) {
      throw new ConfigError("set exactly one of tasks.table.target-column (regression) and tasks.table.label-column"
          + " (classification), got target-column '" + target + "' and label-column '" + label + "'");
    }
    for (String column : List.of(values.get(KEY_COLUMN), target.isEmpty() ? label : target)) {
      if (values.get(FEATURE_COLUMNS).contains(column)) {
        throw new ConfigError("tasks.table.feature-columns must not contain the key or outcome column '" + column
            + "'");
      }
    }
    double test = values.get(TEST_FRACTION);
    double validation = values.get(VALIDATION_FRACTION);
    if (!(test > 0 && validation >= 0 && test + validation < 1)) {
      throw new ConfigError("tasks.table.test-fraction (" + test + ") must be > 0, tasks.table.validation-fraction ("
          + validation + ") >= 0, and their sum < 1");
    }
    int every = values.get(ValidateSettings.EVERY);
    if (validation == 0 && every > 0) {
      throw new ConfigError("validate.every = " + every
          + " needs validation groups: tasks.table.validation-fraction must be > 0");
    }
  }

  /** The table as the config describes it; its columns are checked against the data by the store's build. */
  static TableSource source(Values values) {
    String label = values.get(LABEL_COLUMN);
    return new TableSource(values.get(LOCATION), values.get(FORMAT), values.get(KEY_COLUMN),
        values.get(FEATURE_COLUMNS), label.isEmpty() ? values.get(TARGET_COLUMN) : label, !label.isEmpty());
  }

  static GroupSplit split(Values values) {
    return new GroupSplit(values.get(SPLIT_SEED), values.get(TEST_FRACTION), values.get(VALIDATION_FRACTION));
  }

  /** tasks.table.store, or by default the run directory's task-store/: built once, then reused on resume. */
  static String storeDirectory(Values values, Locations locations) {
    String store = values.get(STORE);
    return locations.qualified(STORE, store.isEmpty()
        ? values.get(RunSettings.DIR).replaceAll("/+$", "") + "/" + values.get(RunSettings.NAME) + "/task-store"
        : store);
  }

  static int storeBuckets(Values values) {
    return values.get(STORE_BUCKETS);
  }

  @Override
  public TaskFamily create(ClassSplit.Part part, Values values, Locations locations) {
    StoredTable store = new StoredTable(storeDirectory(values, locations), source(values).fingerprint(),
        (long) values.get(CACHE_MB) << 20);
    return new TableTaskFamily(store, split(values), part, values.get(TaskSettings.SUPPORT),
        values.get(TaskSettings.QUERY));
  }

  /**
   * That the table exists (reading it is a Spark job, done once Spark runs, with named errors then),
   * and that the network takes one input per feature column and, for regression, gives one output
   * (a classifier's outputs are checked against the classes the data has, when the store is built).
   */
  @Override
  public void checkData(Values values, Locations locations, ModelSpec model) {
    locations.requireExists(LOCATION, values.get(LOCATION));
    int features = values.get(FEATURE_COLUMNS).size();
    int inputs = (int) feedForward(model.configuration(), 0).getNIn();
    if (inputs != features) {
      throw new ConfigError("the model takes " + inputs + " inputs but tasks.table.feature-columns lists " + features
          + " columns (model.mlp is '" + values.get(ModelSettings.MLP) + "')");
    }
    if (values.get(LABEL_COLUMN).isEmpty() && embeds(model)) {
      throw new ConfigError("the model has no output layer (an embedding, for protonet): it classifies, so it needs"
          + " tasks.table.label-column, not target-column");
    }
    if (values.get(LABEL_COLUMN).isEmpty() && outputs(model) != 1) {
      throw new ConfigError("regression on tasks.table.target-column needs a model with 1 output, got "
          + outputs(model) + " (model.mlp is '" + values.get(ModelSettings.MLP) + "')");
    }
  }

  @Override
  public Map<String, Object> prepare(JavaSparkContext sc, Values values, Locations locations, ModelSpec model,
      PrintStream out) {
    // an embedding's width is not the classes' number: prototypes take any number of classes
    return TaskStorePreparation.prepare(sc, values, locations, embeds(model) ? 0 : outputs(model), out);
  }

  /** Whether the network ends without an output layer: an embedding, which protonet classifies by prototypes. */
  private static boolean embeds(ModelSpec model) {
    MultiLayerConfiguration conf = model.configuration();
    Layer last = conf.getConf(conf.getConfs().size() - 1).getLayer();
    return !(last instanceof BaseOutputLayer || last instanceof LossLayer);
  }

  static int outputs(ModelSpec model) {
    MultiLayerConfiguration conf = model.configuration();
    return (int) feedForward(conf, conf.getConfs().size() - 1).getNOut();
  }

  private static FeedForwardLayer feedForward(MultiLayerConfiguration conf, int layer) {
    if (conf.getConf(layer).getLayer() instanceof FeedForwardLayer f) {
      return f;
    }
    throw new ConfigError("table tasks need a network of dense layers (model.mlp or a json-file of them), got layer "
        + layer + ": " + conf.getConf(layer).getLayer().getClass().getSimpleName());
  }
}
