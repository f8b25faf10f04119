package io.metaspark.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.algo.HessianVectorProduct;
import io.metaspark.core.algo.MetaAlgorithm;
import io.metaspark.core.algo.ScalarSgd;
import io.metaspark.core.model.Conv4;
import io.metaspark.core.model.MlpShorthand;
import io.metaspark.core.model.LearnerChoice;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.model.ParameterInit;
import io.metaspark.core.optim.Adam;
import io.metaspark.core.optim.Chain;
import io.metaspark.core.optim.ClipByGlobalNorm;
import io.metaspark.core.optim.CosineAnnealing;
import io.metaspark.core.optim.GradientTransformation;
import io.metaspark.core.optim.ScaleBySchedule;
import io.metaspark.core.optim.Sgd;
import io.metaspark.core.task.SinusoidTaskFamily;
import io.metaspark.core.task.TaskFamily;
import io.metaspark.core.task.TaskDescriptor;
import io.metaspark.core.task.TaskSampler;
import io.metaspark.core.task.image.ClassSplit;
import io.metaspark.core.task.image.EpisodeTaskFamily;
import io.metaspark.core.task.image.ImagePreprocessing;
import io.metaspark.core.task.table.GroupSplit;
import io.metaspark.core.task.table.TableTaskFamily;
import io.metaspark.spark.JointTrainer;
import io.metaspark.spark.ExecutionMode;
import io.metaspark.spark.TaskRunner;
import io.metaspark.spark.TrainingPlan;
import io.metaspark.spark.data.ImageFolderSource;
import io.metaspark.spark.data.SparkHadoopConf;
import io.metaspark.spark.data.StoredTable;
import io.metaspark.spark.data.TableSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkConf;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The typed view of a job config: each value read, range-checked and turned into the core object
 * it configures. {@link #validated} builds every one of them up front, so a bad value is reported,
 * by its key, before Spark starts.
 */
final class JobConfig {
  private final Config config;

  private JobConfig(Config config) {
    this.config = config;
  }

  static JobConfig validated(Config config) {
    JobConfig job = new JobConfig(config);
    try {
      job.plan();
      job.imageLocationsExist();
      job.tableLocationExists();
      job.tableModelFits();
      job.parameterInit();
      job.sparkConf();
      job.evaluationSteps();
      job.evaluationTasks();
      job.evaluationSeed();
      job.evaluateAfterTrain();
      job.baselines();
      job.jointSettings();
      job.jointTasks();
      job.validationEvery();
      job.validationTasks();
      job.validationSeed();
      job.runName();
      job.runDir();
      job.checkpointEvery();
      job.checkpointKeep();
      job.staleLockAfter();
      job.stopGracePeriod();
      job.sparkMaster();
      job.appName();
    } catch (ConfigException e) {
      throw new ConfigError("config: " + e.getMessage(), e);
    }
    return job;
  }

  Config raw() {
    return config;
  }

  String render() {
    return config.root().render(ConfigRenderOptions.defaults().setOriginComments(false).setJson(false));
  }

  // run

  String runDir() {
    return nonEmpty("run.dir");
  }

  String runName() {
    String name = nonEmpty("run.name");
    if (!name.matches("[A-Za-z0-9._-]+")) {
      throw new ConfigError("run.name '" + name + "' may only contain letters, digits, '.', '_' and '-'");
    }
    return name;
  }

  long seed() {
    return config.getLong("run.seed");
  }

  // spark

  String sparkMaster() {
    return nonEmpty("spark.master");
  }

  String appName() {
    return nonEmpty("spark.app-name");
  }

  int partitions() {
    return intAtLeast("spark.partitions", 1);
  }

  int treeDepth() {
    return intAtLeast("spark.tree-depth", 1);
  }

  ExecutionMode sparkMode() {
    String mode = config.getString("spark.mode");
    try {
      return ExecutionMode.named(mode);
    } catch (IllegalArgumentException e) {
      throw new ConfigError("spark.mode must be jobs or barrier, got '" + mode + "'");
    }
  }

  Map<String, String> sparkConf() {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, ConfigValue> e : config.getConfig("spark.conf").entrySet()) {
      // HOCON splits dotted keys into paths; Spark wants the dotted name back
      out.put(e.getKey().replace("\"", ""), String.valueOf(e.getValue().unwrapped()));
    }
    return out;
  }

  // tasks

  /**
   * The tasks of one part of the data: meta-training draws from TRAIN, periodic validation from
   * VALIDATION, the final evaluation from TEST. Sinusoids have no parts: every task is fresh.
   * Table tasks need their store ({@link TaskStorePreparation}) before the first task is sampled.
   */
  TaskFamily taskFamily(ClassSplit.Part part) {
    String family = taskFamilyName();
    int support = intAtLeast("tasks.support", 1);
    int query = intAtLeast("tasks.query", 1);
    return switch (family) {
      case "images" -> episodes(part, support, query);
      case "table" -> new TableTaskFamily(new StoredTable(taskStoreDirectory(), tableSource().fingerprint()),
          groupSplit(), part, support, query);
      default -> new SinusoidTaskFamily(support, query, range("tasks.sinusoid.amplitude"),
          range("tasks.sinusoid.phase"), range("tasks.sinusoid.x"));
    };
  }

  /** The parts of the data a train job reads: training, validation if it validates, test if it evaluates after. */
  List<TaskFamily> familiesOfTraining() {
    List<TaskFamily> families = new ArrayList<>();
    families.add(taskFamily(ClassSplit.Part.TRAIN));
    if (validationEvery() > 0) {
      families.add(taskFamily(ClassSplit.Part.VALIDATION));
    }
    if (evaluateAfterTrain()) {
      families.add(taskFamily(ClassSplit.Part.TEST));
    }
    return families;
  }

  private String taskFamilyName() {
    return oneOf("tasks.family", "sinusoid", "images", "table");
  }

  private boolean imageTasks() {
    return taskFamilyName().equals("images");
  }

  boolean tableTasks() {
    return taskFamilyName().equals("table");
  }

  /** The table as the config describes it; its columns are checked against the data by the store's build. */
  TableSource tableSource() {
    String location = nonEmpty("tasks.table.location");
    String format = oneOf("tasks.table.format", "parquet", "csv");
    String key = nonEmpty("tasks.table.key-column");
    List<String> features = config.getStringList("tasks.table.feature-columns");
    if (features.isEmpty() || features.stream().anyMatch(f -> f.isBlank())) {
      throw new ConfigError("tasks.table.feature-columns must list at least one column name, got " + features);
    }
    if (new java.util.HashSet<>(features).size() != features.size()) {
      throw new ConfigError("tasks.table.feature-columns lists a column twice: " + features);
    }
    String target = config.getString("tasks.table.target-column").trim();
    String label = config.getString("tasks.table.label-column").trim();
    if (target.isEmpty() == label.isEmpty()) {
      throw new ConfigError("set exactly one of tasks.table.target-column (regression) and tasks.table.label-column"
          + " (classification), got target-column '" + target + "' and label-column '" + label + "'");
    }
    String outcome = target.isEmpty() ? label : target;
    for (String column : List.of(key, outcome)) {
      if (features.contains(column)) {
        throw new ConfigError("tasks.table.feature-columns must not contain the key or outcome column '" + column
            + "'");
      }
    }
    return new TableSource(location, format, key, features, outcome, !label.isEmpty());
  }

  GroupSplit groupSplit() {
    double test = config.getDouble("tasks.table.test-fraction");
    double validation = config.getDouble("tasks.table.validation-fraction");
    if (!(test > 0 && validation >= 0 && test + validation < 1)) {
      throw new ConfigError("tasks.table.test-fraction (" + test + ") must be > 0, tasks.table.validation-fraction ("
          + validation + ") >= 0, and their sum < 1");
    }
    if (validation == 0 && validationEvery() > 0) {
      throw new ConfigError("validate.every = " + validationEvery()
          + " needs validation groups: tasks.table.validation-fraction must be > 0");
    }
    return new GroupSplit(config.getLong("tasks.table.split-seed"), test, validation);
  }

  /** tasks.table.store, or by default the run directory's task-store/: built once, then reused on resume. */
  String taskStoreDirectory() {
    String store = config.getString("tasks.table.store").trim();
    return qualified("tasks.table.store",
        store.isEmpty() ? runDir().replaceAll("/+$", "") + "/" + runName() + "/task-store" : store);
  }

  int taskStoreBuckets() {
    return intAtLeast("tasks.table.store-buckets", 1);
  }

  /** Only that the table exists: reading it is a Spark job, done once Spark runs (and named errors then). */
  void tableLocationExists() {
    if (!tableTasks()) {
      return;
    }
    String location = tableSource().location();
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(location);
    boolean exists;
    try {
      exists = path.getFileSystem(new Configuration()).exists(path);
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigError("tasks.table.location: cannot look up " + location + ": " + e.getMessage(), e);
    }
    if (!exists) {
      throw new ConfigError("tasks.table.location: " + location + " does not exist");
    }
  }

  /** A table network takes one input per feature column; a regression one gives one output (classes: checked on the data). */
  void tableModelFits() {
    if (!tableTasks()) {
      return;
    }
    int features = tableSource().featureColumns().size();
    int inputs = modelInputs();
    if (inputs != features) {
      throw new ConfigError("the model takes " + inputs + " inputs but tasks.table.feature-columns lists " + features
          + " columns (model.mlp is '" + config.getString("model.mlp") + "')");
    }
    if (!tableSource().classification() && modelOutputs() != 1) {
      throw new ConfigError("regression on tasks.table.target-column needs a model with 1 output, got "
          + modelOutputs() + " (model.mlp is '" + config.getString("model.mlp") + "')");
    }
  }

  int modelInputs() {
    return (int) feedForward(0).getNIn();
  }

  int modelOutputs() {
    return (int) feedForward(modelSpec().configuration().getConfs().size() - 1).getNOut();
  }

  private org.deeplearning4j.nn.conf.layers.FeedForwardLayer feedForward(int layer) {
    if (modelSpec().configuration().getConf(layer).getLayer()
        instanceof org.deeplearning4j.nn.conf.layers.FeedForwardLayer f) {
      return f;
    }
    throw new ConfigError("table tasks need a network of dense layers (model.mlp or a json-file of them), got layer "
        + layer + ": " + modelSpec().configuration().getConf(layer).getLayer().getClass().getSimpleName());
  }

  private EpisodeTaskFamily episodes(ClassSplit.Part part, int shots, int queries) {
    int ways = intAtLeast("tasks.images.ways", 2);
    intAtLeast("tasks.images.size", 1);
    ImageFolderSource source =
        new ImageFolderSource(imageLocations().stream().map(l -> qualified("tasks.images.locations", l)).toList(),
            imagePreprocessing(config), config.getBoolean("tasks.images.rotations"));
    return new EpisodeTaskFamily(source, classSplit(), part, ways, shots, queries);
  }

  /**
   * How a config's image tasks prepare images: also what adapt applies to a user's images for a
   * model trained under that config (its config travels in model.json).
   */
  static ImagePreprocessing imagePreprocessing(Config config) {
    int size = config.getInt("tasks.images.size");
    return new ImagePreprocessing(size, size, true, config.getBoolean("tasks.images.invert"),
        ImagePreprocessing.Resize.AREA_AVERAGING);
  }

  private List<String> imageLocations() {
    List<String> locations = config.getStringList("tasks.images.locations").stream().map(String::trim).toList();
    if (locations.isEmpty() || locations.contains("")) {
      throw new ConfigError("tasks.images.locations must list at least one image folder or .zip file, got "
          + locations);
    }
    return locations;
  }

  private ClassSplit classSplit() {
    String split = oneOf("tasks.images.split", "standard", "alphabets");
    long seed = config.getLong("tasks.images.split-seed");
    int validation = intAtLeast("tasks.images.validation-characters", 0);
    if (validation == 0 && validationEvery() > 0) {
      throw new ConfigError("validate.every = " + validationEvery()
          + " needs validation characters: tasks.images.validation-characters must be >= 1");
    }
    try {
      return split.equals("alphabets")
          ? ClassSplit.omniglotAlphabets(seed, validation)
          : ClassSplit.omniglotStandard(seed, validation);
    } catch (IllegalArgumentException e) {
      throw new ConfigError("tasks.images.validation-characters: " + e.getMessage(), e);
    }
  }

  /**
   * Only that each image location exists: the images themselves are read on the executors, and
   * reading them here would cost the driver the whole data set's decoding before any work starts.
   */
  void imageLocationsExist() {
    if (!imageTasks()) {
      return;
    }
    Configuration hadoop = driverHadoopConf();
    for (String location : imageLocations()) {
      org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(location);
      boolean exists;
      try {
        FileSystem fs = path.getFileSystem(hadoop);
        exists = fs.exists(path);
      } catch (IOException | IllegalArgumentException e) {
        throw new ConfigError("tasks.images.locations: cannot look up " + location + ": " + e.getMessage(), e);
      }
      if (!exists) {
        throw new ConfigError("tasks.images.locations: " + location + " does not exist");
      }
    }
  }

  /** The Hadoop configuration the job's Spark will have: spark-submit's --conf wins over spark.conf, as in SparkContexts. */
  private Configuration driverHadoopConf() {
    SparkConf spark = new SparkConf();
    sparkConf().forEach(spark::setIfMissing);
    return SparkHadoopConf.of(spark);
  }

  /**
   * {@code location} as the driver resolves it (a relative path against the driver's working
   * directory on the default file system): executors in their own JVMs run in other directories,
   * so only a qualified path means the same data there.
   */
  private String qualified(String key, String location) {
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(location);
    try {
      return path.getFileSystem(driverHadoopConf()).makeQualified(path).toString();
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigError(key + ": cannot resolve " + location + ": " + e.getMessage(), e);
    }
  }

  // model

  ModelSpec modelSpec() {
    String jsonFile = config.getString("model.json-file").trim();
    String preset = config.getString("model.preset").trim().toLowerCase(Locale.ROOT);
    if (!preset.isEmpty()) {
      if (!preset.equals("conv4")) {
        throw new ConfigError("model.preset must be \"\" (json-file or mlp) or conv4, got '" + preset + "'");
      }
      if (!jsonFile.isEmpty()) {
        throw new ConfigError("model.preset = conv4 and model.json-file " + jsonFile
            + " both define the network: set one of them");
      }
      return conv4();
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
      return MlpShorthand.parse(config.getString("model.mlp"))
          .activation(config.getString("model.activation"))
          .outputActivation(config.getString("model.output-activation"))
          .loss(config.getString("model.loss"))
          .dataType(dataType())
          .seed(config.getLong("model.seed"))
          .toSpec();
    } catch (IllegalArgumentException e) {
      throw new ConfigError("model: " + e.getMessage(), e);
    }
  }

  /** Sized by the image tasks it classifies: tasks.images.size square inputs, tasks.images.ways outputs. */
  private ModelSpec conv4() {
    if (!imageTasks()) {
      throw new ConfigError("model.preset = conv4 classifies images: it needs tasks.family = images");
    }
    int size = intAtLeast("tasks.images.size", 1);
    int ways = intAtLeast("tasks.images.ways", 2);
    try {
      return Conv4.of(size, ways)
          .filters(intAtLeast("model.conv4.filters", 1))
          .downsample(config.getString("model.conv4.downsample"))
          .batchNorm(config.getBoolean("model.conv4.batch-norm"))
          .dataType(dataType())
          .seed(config.getLong("model.seed"))
          .toSpec();
    } catch (IllegalArgumentException e) {
      throw new ConfigError("model.conv4 (with tasks.images.size " + size + "): " + e.getMessage(), e);
    }
  }

  LearnerChoice learner() {
    try {
      return LearnerChoice.named(config.getString("model.learner"));
    } catch (IllegalArgumentException e) {
      throw new ConfigError("model.learner: " + e.getMessage(), e);
    }
  }

  ParameterInit parameterInit() {
    try {
      return ParameterInit.named(config.getString("model.init"));
    } catch (IllegalArgumentException e) {
      throw new ConfigError("model.init: " + e.getMessage(), e);
    }
  }

  /** The starting point of meta-training. */
  double[] initialParams(ModelSpec model) {
    return parameterInit().initialParams(model, config.getLong("model.seed"));
  }

  private DataType dataType() {
    return switch (oneOf("model.data-type", "float", "double")) {
      case "double" -> DataType.DOUBLE;
      default -> DataType.FLOAT;
    };
  }

  // algorithm

  MetaAlgorithm algorithm() {
    String name = oneOf("algorithm.name", "maml", "fomaml", "reptile");
    double step = config.getDouble("algorithm.hvp-relative-step");
    if (step < 0 || !Double.isFinite(step)) {
      throw new ConfigError("algorithm.hvp-relative-step must be >= 0 (0 = automatic), got " + step);
    }
    String product = oneOf("algorithm.hessian-product", "auto", "central-difference");
    Adaptation adaptation = new Adaptation(new ScalarSgd(positive("algorithm.inner-lr")),
        intAtLeast("algorithm.inner-steps", 0));
    return MetaAlgorithm.named(name, adaptation, HessianVectorProduct.named(product, step));
  }

  /**
   * The outer optimizer as a chain: clip the mean meta-gradient's norm (outer.clip-norm > 0), then
   * SGD or Adam, then scale by the learning-rate schedule (outer.schedule other than constant). With
   * neither, the optimizer alone, as before they existed.
   */
  GradientTransformation optimizer() {
    String name = oneOf("outer.optimizer", "adam", "sgd");
    double lr = positive("outer.lr");
    double clip = config.getDouble("outer.clip-norm");
    if (!(clip >= 0) || !Double.isFinite(clip)) {
      throw new ConfigError("outer.clip-norm must be >= 0 (0 = no clipping), got " + clip);
    }
    String schedule = oneOf("outer.schedule", "constant", "cosine");
    try {
      List<GradientTransformation> parts = new ArrayList<>();
      if (clip > 0) {
        parts.add(new ClipByGlobalNorm(clip));
      }
      parts.add(switch (name) {
        case "sgd" -> new Sgd(lr);
        default -> new Adam(lr, config.getDouble("outer.adam.beta1"), config.getDouble("outer.adam.beta2"),
            config.getDouble("outer.adam.epsilon"));
      });
      if (schedule.equals("cosine")) {
        parts.add(new ScaleBySchedule(cosineAnnealing()));
      }
      return Chain.of(parts);
    } catch (IllegalArgumentException e) {
      throw new ConfigError("outer: " + e.getMessage(), e);
    }
  }

  private CosineAnnealing cosineAnnealing() {
    long steps = config.getLong("outer.cosine.steps");
    if (steps < 1) {
      throw new ConfigError("outer.schedule = cosine needs outer.cosine.steps >= 1 (the updates to anneal over,"
          + " usually train.iterations), got " + steps);
    }
    double fraction = config.getDouble("outer.cosine.min-fraction");
    if (!(fraction >= 0 && fraction <= 1)) {
      throw new ConfigError("outer.cosine.min-fraction must be in [0, 1], got " + fraction);
    }
    return new CosineAnnealing(steps, fraction);
  }

  // train

  long iterations() {
    long n = config.getLong("train.iterations");
    if (n < 1) {
      throw new ConfigError("train.iterations must be >= 1, got " + n);
    }
    return n;
  }

  int metaBatch() {
    return intAtLeast("train.meta-batch", 1);
  }

  int logEvery() {
    return intAtLeast("train.log-every", 1);
  }

  int maxSkippedUpdates() {
    return intAtLeast("train.max-skipped-updates", 1);
  }

  double maxParameterMagnitude() {
    return positive("train.max-parameter-magnitude");
  }

  TrainingPlan plan() {
    TaskRunner runner = new TaskRunner(modelSpec(), taskFamily(ClassSplit.Part.TRAIN), algorithm(), learner());
    return TrainingPlan.builder(runner, new TaskSampler(seed()), optimizer()).iterations(iterations())
        .metaBatch(metaBatch()).partitions(partitions()).treeDepth(treeDepth()).measureEvery(logEvery())
        .maxSkippedUpdates(maxSkippedUpdates()).mode(sparkMode()).maxParameterMagnitude(maxParameterMagnitude()).build();
  }

  // checkpoints and locks

  int checkpointEvery() {
    return intAtLeast("checkpoint.every", 1);
  }

  int checkpointKeep() {
    return intAtLeast("checkpoint.keep", 1);
  }

  /** How long a graceful stop on SIGTERM or SIGINT may take before the job exits without its checkpoint. */
  java.time.Duration stopGracePeriod() {
    java.time.Duration d = config.getDuration("run.stop-grace-period");
    if (d.isNegative()) {
      throw new ConfigError("run.stop-grace-period must be >= 0, got " + d);
    }
    return d;
  }

  java.time.Duration staleLockAfter() {
    java.time.Duration d = config.getDuration("run.stale-lock-after");
    if (d.isNegative() || d.isZero()) {
      throw new ConfigError("run.stale-lock-after must be positive, got " + d);
    }
    return d;
  }

  // evaluate

  int evaluationTasks() {
    return intAtLeast("evaluate.tasks", 2);
  }

  int[] evaluationSteps() {
    List<Integer> steps = config.getIntList("evaluate.steps");
    if (steps.isEmpty()) {
      throw new ConfigError("evaluate.steps must list at least one step count");
    }
    int[] out = new int[steps.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = steps.get(i);
      if (out[i] < 0) {
        throw new ConfigError("evaluate.steps must be >= 0, got " + out[i]);
      }
    }
    return out;
  }

  long evaluationSeed() {
    return config.getLong("evaluate.seed");
  }

  boolean evaluateAfterTrain() {
    return config.getBoolean("evaluate.after-train");
  }

  /** The baselines evaluated beside the meta-learned model, in the order listed. */
  List<String> baselines() {
    List<String> names = config.getStringList("evaluate.baselines").stream()
        .map(n -> n.trim().toLowerCase(Locale.ROOT)).toList();
    for (String name : names) {
      if (!name.equals(Baselines.SCRATCH) && !name.equals(Baselines.JOINT)) {
        throw new ConfigError("evaluate.baselines: unknown baseline '" + name + "'; expected scratch or joint");
      }
    }
    if (names.stream().distinct().count() != names.size()) {
      throw new ConfigError("evaluate.baselines lists a baseline twice: " + names);
    }
    return names;
  }

  JointTrainer.Settings jointSettings() {
    return new JointTrainer.Settings(intAtLeast("evaluate.joint.epochs", 1), intAtLeast("evaluate.joint.batch-size", 1),
        positive("evaluate.joint.lr"), intAtLeast("evaluate.joint.averaging-frequency", 1));
  }

  /**
   * The joint baseline's data: the first {@code evaluate.joint.tasks} meta-training tasks, in the
   * order meta-training draws them (iteration 0's meta-batch, then iteration 1's, ...).
   */
  List<TaskDescriptor> jointTasks() {
    int count = intAtLeast("evaluate.joint.tasks", 1);
    TaskSampler sampler = new TaskSampler(seed());
    List<TaskDescriptor> tasks = new ArrayList<>(count);
    for (long iteration = 0; tasks.size() < count; iteration++) {
      for (TaskDescriptor task : sampler.metaBatch(iteration, metaBatch())) {
        if (tasks.size() < count) {
          tasks.add(task);
        }
      }
    }
    return tasks;
  }

  /**
   * What the joint baseline's network depends on, to tell whether a saved one still fits the
   * config: the model, the tasks, the run seed, the meta-batch (which orders the tasks), the
   * partitions (the workers whose parameters are averaged) and evaluate.joint.
   */
  String jointFingerprint() {
    StringBuilder b = new StringBuilder();
    for (String path : List.of("model", "tasks", "run.seed", "train.meta-batch", "spark.partitions", "evaluate.joint")) {
      b.append(path).append('=').append(config.getValue(path).render(ConfigRenderOptions.concise().setJson(false)))
          .append('\n');
    }
    return b.toString();
  }

  // validate

  int validationEvery() {
    return intAtLeast("validate.every", 0);
  }

  int validationTasks() {
    return intAtLeast("validate.tasks", 2);
  }

  long validationSeed() {
    long seed = config.getLong("validate.seed");
    if (seed == evaluationSeed()) {
      throw new ConfigError("validate.seed must differ from evaluate.seed (" + seed
          + "): choosing a model on its test tasks would bias the reported result");
    }
    return seed;
  }

  // checks

  private String nonEmpty(String path) {
    String s = config.getString(path).trim();
    if (s.isEmpty()) {
      throw new ConfigError(path + " must not be empty");
    }
    return s;
  }

  private int intAtLeast(String path, int min) {
    int v = config.getInt(path);
    if (v < min) {
      throw new ConfigError(path + " must be >= " + min + ", got " + v);
    }
    return v;
  }

  private double positive(String path) {
    double v = config.getDouble(path);
    if (!(v > 0) || !Double.isFinite(v)) {
      throw new ConfigError(path + " must be a positive number, got " + v);
    }
    return v;
  }

  private String oneOf(String path, String... allowed) {
    String v = config.getString(path).trim().toLowerCase(Locale.ROOT);
    for (String a : allowed) {
      if (a.equals(v)) {
        return v;
      }
    }
    throw new ConfigError(path + " must be one of " + String.join(", ", allowed) + ", got '" + v + "'");
  }

  private SinusoidTaskFamily.Range range(String path) {
    List<Double> bounds = config.getDoubleList(path);
    if (bounds.size() != 2 || !(bounds.get(0) <= bounds.get(1))) {
      throw new ConfigError(path + " must be [low, high] with low <= high, got " + bounds);
    }
    return new SinusoidTaskFamily.Range(bounds.get(0), bounds.get(1));
  }
}
