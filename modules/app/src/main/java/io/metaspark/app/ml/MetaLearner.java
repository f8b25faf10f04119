package io.metaspark.app.ml;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.metaspark.app.builtin.BuiltIns;
import io.metaspark.app.config.AlgorithmSettings;
import io.metaspark.app.config.CheckpointSettings;
import io.metaspark.app.config.Job;
import io.metaspark.app.config.Key;
import io.metaspark.app.config.OuterSettings;
import io.metaspark.app.config.Registries;
import io.metaspark.app.config.Registry;
import io.metaspark.app.config.RunSettings;
import io.metaspark.app.config.SparkSettings;
import io.metaspark.app.config.TaskSettings;
import io.metaspark.app.config.TrainSettings;
import io.metaspark.app.run.RunDirectory;
import io.metaspark.app.train.TrainingRun;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;
import scala.runtime.AbstractFunction1;

/**
 * Meta-learns a model that personalizes, from a DataFrame whose groups of rows (users, devices,
 * sites) are tasks: {@link #fit} is {@code bin/metaspark train} on a table, the same training, so
 * the same settings give the same parameters, bit for bit. Its params are the config keys a Spark
 * user sets most (each documented by its key, with the key's default); {@link #config()} takes any
 * other key as {@code key=value}. {@link #explainParams()} lists them all.
 *
 * <pre>{@code
 * MetaModel model = new MetaLearner().setGroupCol("site").setFeaturesCols("x1", "x2", "x3").setLabelCol("y")
 *     .setIterations(600).fit(table);
 * Dataset<Row> personalized = model.transform(newRows);   // null labels: the rows to predict
 * }</pre>
 *
 * <p>fit writes the DataFrame's group, feature and label columns as Parquet into the run directory
 * ({@code runDir/runName}) and trains on that: it checkpoints there, and a fit of the same settings
 * and data on the same run directory continues from its newest checkpoint (after a crash) or
 * returns the finished model.
 */
public final class MetaLearner extends Estimator<MetaModel> implements DefaultParamsWritable {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** What fit's config may name: the built-in algorithms, task families, optimizers... */
  private static final Registries BUILT_INS = BuiltIns.registries();

  private final String uid;
  private final Map<Param<?>, Key<?>> keyOf = new LinkedHashMap<>();

  private final Param<String> groupCol;
  private final StringArrayParam featuresCols;
  private final Param<String> labelCol;
  private final Param<String> predictionCol;
  private final Param<String> probabilityCol;
  private final Param<String> labelledRowsCol;
  private final BooleanParam classification;
  private final IntArrayParam hiddenLayers;
  private final StringArrayParam config;

  private final Param<String> algorithm;
  private final IntParam innerSteps;
  private final DoubleParam innerLr;
  private final Param<String> outerOptimizer;
  private final DoubleParam outerLr;
  private final LongParam iterations;
  private final IntParam metaBatch;
  private final IntParam support;
  private final IntParam query;
  private final LongParam seed;
  private final IntParam partitions;
  private final IntParam checkpointEvery;
  private final Param<String> runDir;
  private final Param<String> runName;

  public MetaLearner() {
    this(Identifiable$.MODULE$.randomUID("MetaLearner"));
  }

  public MetaLearner(String uid) {
    this.uid = uid;
    groupCol = ColumnParams.groupCol(this);
    featuresCols = ColumnParams.featuresCols(this);
    labelCol = ColumnParams.labelCol(this);
    predictionCol = ColumnParams.predictionCol(this);
    probabilityCol = ColumnParams.probabilityCol(this);
    labelledRowsCol = ColumnParams.labelledRowsCol(this);
    classification = new BooleanParam(this, "classification",
        "false: labelCol is a real-valued target (MSE, 1 output); true: its distinct values are classes (softmax,"
        + " cross-entropy, one output per class)");
    hiddenLayers = new IntArrayParam(this, "hiddenLayers",
        "the MLP's hidden layer sizes, each >= 1 (none: a linear model): the network is"
        + " features-hidden...-outputs, outputs 1 or one per class (model.mlp)", new PositiveSizes());
    config = new StringArrayParam(this, "config",
        "more config keys as key=value, the syntax of --set (docs/CONFIGURATION.md): the keys no param sets, such as"
        + " model.activation, model.data-type, validate.every, evaluate.tasks, outer.schedule");
    algorithm = keyed(new Param<>(this, "algorithm", doc(AlgorithmSettings.NAME),
        ParamValidators.inArray(names(BUILT_INS.algorithms()))), AlgorithmSettings.NAME);
    innerSteps = keyed(new IntParam(this, "innerSteps", doc(AlgorithmSettings.INNER_STEPS),
        ParamValidators.gtEq(0)), AlgorithmSettings.INNER_STEPS);
    innerLr = keyed(new DoubleParam(this, "innerLr", doc(AlgorithmSettings.INNER_LR),
        ParamValidators.gt(0)), AlgorithmSettings.INNER_LR);
    outerOptimizer = keyed(new Param<>(this, "outerOptimizer", doc(OuterSettings.OPTIMIZER),
        ParamValidators.inArray(names(BUILT_INS.optimizers()))), OuterSettings.OPTIMIZER);
    outerLr = keyed(new DoubleParam(this, "outerLr", doc(OuterSettings.LR),
        ParamValidators.gt(0)), OuterSettings.LR);
    iterations = keyed(new LongParam(this, "iterations", doc(TrainSettings.ITERATIONS),
        ParamValidators.gtEq(1)), TrainSettings.ITERATIONS);
    metaBatch = keyed(new IntParam(this, "metaBatch", doc(TrainSettings.META_BATCH),
        ParamValidators.gtEq(1)), TrainSettings.META_BATCH);
    support = keyed(new IntParam(this, "support", doc(TaskSettings.SUPPORT),
        ParamValidators.gtEq(1)), TaskSettings.SUPPORT);
    query = keyed(new IntParam(this, "query", doc(TaskSettings.QUERY),
        ParamValidators.gtEq(1)), TaskSettings.QUERY);
    seed = keyed(new LongParam(this, "seed", doc(RunSettings.SEED)), RunSettings.SEED);
    partitions = keyed(new IntParam(this, "partitions", doc(SparkSettings.PARTITIONS),
        ParamValidators.gtEq(1)), SparkSettings.PARTITIONS);
    checkpointEvery = keyed(new IntParam(this, "checkpointEvery",
        doc(CheckpointSettings.EVERY), ParamValidators.gtEq(1)), CheckpointSettings.EVERY);
    runDir = keyed(new Param<>(this, "runDir", doc(RunSettings.DIR)), RunSettings.DIR);
    runName = keyed(new Param<>(this, "runName", doc(RunSettings.NAME)), RunSettings.NAME);
    setDefault(groupCol, ColumnParams.GROUP_COL);
    setDefault(labelCol, ColumnParams.LABEL_COL);
    setDefault(predictionCol, ColumnParams.PREDICTION_COL);
    setDefault(probabilityCol, ColumnParams.PROBABILITY_COL);
    setDefault(labelledRowsCol, ColumnParams.LABELLED_ROWS_COL);
    setDefault(classification, (Object) false);
    setDefault(hiddenLayers, new int[] {40, 40});
    setDefault(config, new String[0]);
    keyOf.forEach(this::defaultFromKey);
  }

  /** Layer sizes >= 1, as a serializable check (a Java lambda would not be). */
  private static final class PositiveSizes extends AbstractFunction1<int[], Object> implements Serializable {
    @Override
    public Object apply(int[] sizes) {
      return Arrays.stream(sizes).allMatch(size -> size >= 1);
    }
  }

  private static List<String> names(Registry<?> registry) {
    return registry.entries().stream().map(entry -> entry.name()).toList();
  }

  private static String doc(Key<?> key) {
    return key.doc() + " (config key " + key.path() + ")";
  }

  private <P extends Param<?>> P keyed(P param, Key<?> key) {
    keyOf.put(param, key);
    return param;
  }

  @SuppressWarnings("unchecked")
  private void defaultFromKey(Param<?> param, Key<?> key) {
    setDefault((Param<Object>) param, key.defaultValue());
  }

  @Override
  public String uid() {
    return uid;
  }

  @Override
  public String explainParam(Param<?> param) {
    return ColumnParams.explain(this, param);
  }

  /**
   * Meta-trains on {@code dataset} (every row labelled) as {@code train} trains on a table with
   * these settings, and returns the exported model, adapting as it was trained to.
   *
   * @throws io.metaspark.app.config.ConfigError a setting that cannot work (named by its config key)
   * @throws io.metaspark.app.config.DataError data that cannot become tasks (named column, value and group)
   */
  @Override
  public MetaModel fit(Dataset<?> dataset) {
    transformSchema(dataset.schema());
    requireConfigEntriesOfTheirOwn();
    SparkSession spark = dataset.sparkSession();
    List<Column> columns = new ArrayList<>();
    columns.add(functions.col(quoted(getGroupCol())));
    Arrays.stream(getFeaturesCols()).forEach(f -> columns.add(functions.col(quoted(f))));
    columns.add(functions.col(quoted(getLabelCol())));
    try {
      String runRoot = new Path(new Path((String) getOrDefault(runDir)), (String) getOrDefault(runName)).toString();
      TableSnapshot.Taken table = TableSnapshot.take(dataset.toDF().select(columns.toArray(new Column[0])),
          getLabelCol(), isClassification(), runRoot, spark.sparkContext().hadoopConfiguration());
      Job job = Job.load(null, settings(table), BUILT_INS);
      TrainingRun training = new TrainingRun(job, System.out);
      training.announce();
      RunDirectory run = training.run(JavaSparkContext.fromSparkContext(spark.sparkContext()), false);
      MetaModel model = MetaModel.fromExport(uid, run.child(RunDirectory.FINAL).root().toString(),
          spark.sparkContext().hadoopConfiguration());
      return copyValues(model, ParamMap.empty()).setParent(this);
    } catch (IOException e) {
      throw new UncheckedIOException("fit: " + e.getMessage(), e);
    }
  }

  /** The keys fit sets from the columns and hiddenLayers, besides the keyed params'. */
  private static final List<String> DERIVED_KEYS = List.of("tasks.family", "tasks.table.location",
      "tasks.table.format", "tasks.table.key-column", "tasks.table.feature-columns", "tasks.table.target-column",
      "tasks.table.label-column", "model.mlp");

  /** A config entry may not set a key a param sets (or the section holding one): one place for each setting. */
  private void requireConfigEntriesOfTheirOwn() {
    List<String> taken = new ArrayList<>(DERIVED_KEYS);
    keyOf.values().forEach(key -> taken.add(key.path()));
    for (String entry : getConfig()) {
      String key = entry.contains("=") ? entry.substring(0, entry.indexOf('=')).trim() : entry;
      if (taken.stream().anyMatch(p -> p.equals(key) || p.startsWith(key + "."))) {
        throw new IllegalArgumentException("config entry '" + entry + "' sets " + key + ", which a param or the"
            + " columns set: use the param (explainParams() names each param's config key)");
      }
    }
  }

  /**
   * The job's settings as {@code --set} overrides: for a classifier softmax and cross-entropy, then
   * the config entries, then the table (the snapshot, its columns), the network from hiddenLayers
   * and every keyed param.
   */
  private List<String> settings(TableSnapshot.Taken table) {
    Map<String, String> fromParams = new LinkedHashMap<>();
    fromParams.put("tasks.family", "table");
    fromParams.put("tasks.table.location", json(table.location()));
    fromParams.put("tasks.table.format", "parquet");
    fromParams.put("tasks.table.key-column", json(getGroupCol()));
    fromParams.put("tasks.table.feature-columns", json(List.of(getFeaturesCols())));
    fromParams.put("tasks.table.target-column", json(isClassification() ? "" : getLabelCol()));
    fromParams.put("tasks.table.label-column", json(isClassification() ? getLabelCol() : ""));
    long outputs = isClassification() ? table.classes() : 1;
    fromParams.put("model.mlp", json(IntStream.concat(IntStream.concat(IntStream.of(getFeaturesCols().length),
        Arrays.stream(getHiddenLayers())), IntStream.of((int) outputs)).mapToObj(String::valueOf)
        .collect(Collectors.joining("-"))));
    keyOf.forEach((param, key) -> fromParams.put(key.path(), json(getOrDefault(param))));

    List<String> settings = new ArrayList<>();
    if (isClassification()) {
      settings.add("model.output-activation=softmax");
      settings.add("model.loss=mcxent");
    }
    settings.addAll(List.of(getConfig()));
    fromParams.forEach((key, value) -> settings.add(key + "=" + value));
    return settings;
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("strings, numbers and lists of them always render", e);
    }
  }

  private static String quoted(String column) {
    return "`" + column.replace("`", "``") + "`";
  }

  /**
   * Checks that the columns fit reads are there and numeric (group aside), the label included, and
   * answers the schema the fitted model's transform gives.
   */
  @Override
  public StructType transformSchema(StructType schema) {
    if (!isDefined(featuresCols)) {
      throw new IllegalArgumentException("featuresCols is not set: name the columns the network takes as inputs"
          + " (setFeaturesCols)");
    }
    InputColumns.locate(schema, getGroupCol(), getFeaturesCols(), getLabelCol(), true, null);
    return InputColumns.withOutputs(schema, (String) getOrDefault(predictionCol),
        isClassification() ? (String) getOrDefault(probabilityCol) : null, (String) getOrDefault(labelledRowsCol));
  }

  @Override
  public MetaLearner copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  public static MLReader<MetaLearner> read() {
    return new DefaultParamsReadable<MetaLearner>() {}.read();
  }

  public static MetaLearner load(String path) {
    return read().load(path);
  }

  // params, getters and setters, in the order explainParams() lists them (alphabetical there)

  public Param<String> groupCol() {
    return groupCol;
  }

  public StringArrayParam featuresCols() {
    return featuresCols;
  }

  public Param<String> labelCol() {
    return labelCol;
  }

  public Param<String> predictionCol() {
    return predictionCol;
  }

  public Param<String> probabilityCol() {
    return probabilityCol;
  }

  public Param<String> labelledRowsCol() {
    return labelledRowsCol;
  }

  public BooleanParam classification() {
    return classification;
  }

  public IntArrayParam hiddenLayers() {
    return hiddenLayers;
  }

  public StringArrayParam config() {
    return config;
  }

  public Param<String> algorithm() {
    return algorithm;
  }

  public IntParam innerSteps() {
    return innerSteps;
  }

  public DoubleParam innerLr() {
    return innerLr;
  }

  public Param<String> outerOptimizer() {
    return outerOptimizer;
  }

  public DoubleParam outerLr() {
    return outerLr;
  }

  public LongParam iterations() {
    return iterations;
  }

  public IntParam metaBatch() {
    return metaBatch;
  }

  public IntParam support() {
    return support;
  }

  public IntParam query() {
    return query;
  }

  public LongParam seed() {
    return seed;
  }

  public IntParam partitions() {
    return partitions;
  }

  public IntParam checkpointEvery() {
    return checkpointEvery;
  }

  public Param<String> runDir() {
    return runDir;
  }

  public Param<String> runName() {
    return runName;
  }

  public String getGroupCol() {
    return (String) getOrDefault(groupCol);
  }

  public String[] getFeaturesCols() {
    return (String[]) getOrDefault(featuresCols);
  }

  public String getLabelCol() {
    return (String) getOrDefault(labelCol);
  }

  public boolean isClassification() {
    return (Boolean) getOrDefault(classification);
  }

  public int[] getHiddenLayers() {
    return (int[]) getOrDefault(hiddenLayers);
  }

  public String[] getConfig() {
    return (String[]) getOrDefault(config);
  }

  public MetaLearner setGroupCol(String value) {
    return (MetaLearner) set(groupCol, value);
  }

  public MetaLearner setFeaturesCols(String... value) {
    return (MetaLearner) set(featuresCols, value);
  }

  public MetaLearner setLabelCol(String value) {
    return (MetaLearner) set(labelCol, value);
  }

  public MetaLearner setPredictionCol(String value) {
    return (MetaLearner) set(predictionCol, value);
  }

  public MetaLearner setProbabilityCol(String value) {
    return (MetaLearner) set(probabilityCol, value);
  }

  public MetaLearner setLabelledRowsCol(String value) {
    return (MetaLearner) set(labelledRowsCol, value);
  }

  public MetaLearner setClassification(boolean value) {
    return (MetaLearner) set(classification, (Object) value);
  }

  public MetaLearner setHiddenLayers(int... value) {
    return (MetaLearner) set(hiddenLayers, value);
  }

  public MetaLearner setConfig(String... value) {
    return (MetaLearner) set(config, value);
  }

  public MetaLearner setAlgorithm(String value) {
    return (MetaLearner) set(algorithm, value);
  }

  public MetaLearner setInnerSteps(int value) {
    return (MetaLearner) set(innerSteps, (Object) value);
  }

  public MetaLearner setInnerLr(double value) {
    return (MetaLearner) set(innerLr, (Object) value);
  }

  public MetaLearner setOuterOptimizer(String value) {
    return (MetaLearner) set(outerOptimizer, value);
  }

  public MetaLearner setOuterLr(double value) {
    return (MetaLearner) set(outerLr, (Object) value);
  }

  public MetaLearner setIterations(long value) {
    return (MetaLearner) set(iterations, (Object) value);
  }

  public MetaLearner setMetaBatch(int value) {
    return (MetaLearner) set(metaBatch, (Object) value);
  }

  public MetaLearner setSupport(int value) {
    return (MetaLearner) set(support, (Object) value);
  }

  public MetaLearner setQuery(int value) {
    return (MetaLearner) set(query, (Object) value);
  }

  public MetaLearner setSeed(long value) {
    return (MetaLearner) set(seed, (Object) value);
  }

  public MetaLearner setPartitions(int value) {
    return (MetaLearner) set(partitions, (Object) value);
  }

  public MetaLearner setCheckpointEvery(int value) {
    return (MetaLearner) set(checkpointEvery, (Object) value);
  }

  public MetaLearner setRunDir(String value) {
    return (MetaLearner) set(runDir, value);
  }

  public MetaLearner setRunName(String value) {
    return (MetaLearner) set(runName, value);
  }
}
