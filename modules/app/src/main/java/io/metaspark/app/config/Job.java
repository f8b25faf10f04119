package io.metaspark.app.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import io.metaspark.core.algo.MetaAlgorithm;
import io.metaspark.core.algo.TrustRegionAlgorithm;
import io.metaspark.core.model.LearnerChoice;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.optim.Chain;
import io.metaspark.core.optim.ClipByGlobalNorm;
import io.metaspark.core.optim.GradientTransformation;
import io.metaspark.core.rl.PolicyGradientAlgorithm;
import io.metaspark.core.task.TaskFamily;
import io.metaspark.core.task.TaskSampler;
import io.metaspark.core.task.image.ClassSplit.Part;
import io.metaspark.spark.TaskDataCheck;
import io.metaspark.spark.TaskRunner;
import io.metaspark.spark.TrainingPlan;
import java.io.File;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * A job as its config describes it: the typed {@link Settings} and what they build, each built
 * once from them by the registries' entries: the network, the algorithm, the outer optimizer, the
 * task families of each part of the data, the training plan. {@link #load} reads, checks and
 * builds it all before any work starts, so a bad value, a missing data location or a network that
 * does not fit the tasks is a {@link ConfigError} naming the key before Spark starts.
 */
public final class Job {
  private final Config config;
  private final Schema schema;
  private final Settings settings;
  private final Locations locations;
  private final ModelSpec model;
  private final MetaAlgorithm algorithm;
  private final GradientTransformation optimizer;
  private final Map<Part, TaskFamily> families = new EnumMap<>(Part.class);
  private final TrainingPlan plan;
  private double[] initialParams;

  private Job(Config config, Schema schema, Settings settings) {
    this.config = config;
    this.schema = schema;
    this.settings = settings;
    this.locations = Locations.forDriver(settings.spark().conf());
    this.model = settings.model().network(values());
    this.algorithm = built("algorithm", () -> settings.algorithm().type().create(settings.algorithm().adaptation(),
        model, values()));
    this.optimizer = built("outer", this::chainOptimizer);
    if (optimizer.needsCurvature() && !(algorithm instanceof TrustRegionAlgorithm)) {
      throw new ConfigError(OuterSettings.OPTIMIZER.path() + " = " + optimizer.name() + " needs an algorithm that keeps"
          + " its tasks for the step's rounds (maml-rl, fomaml-rl); " + AlgorithmSettings.NAME.path() + " = "
          + algorithm.name() + " is not one");
    }
    checkKeepBest();
    settings.tasks().family().checkData(values(), locations, model);
    this.plan = TrainingPlan.builder(runner(model, Part.TRAIN), new TaskSampler(settings.run().seed()), optimizer)
        .iterations(settings.train().iterations()).metaBatch(settings.train().metaBatch())
        .partitions(settings.spark().partitions()).treeDepth(settings.spark().treeDepth())
        .measureEvery(settings.train().logEvery()).maxSkippedUpdates(settings.train().maxSkippedUpdates())
        .mode(settings.spark().mode()).maxParameterMagnitude(settings.train().maxParameterMagnitude()).build();
  }

  /**
   * Reads {@code file} (may be null: the defaults alone) with {@code --set} {@code overrides},
   * naming the entries {@code registries} hold, checks it and builds the job.
   */
  public static Job load(File file, List<String> overrides, Registries registries) {
    Schema schema = new Schema(registries);
    Config config = ConfigLoader.load(file, overrides, schema);
    return new Job(config, schema, Settings.parse(config, registries));
  }

  private static <T> T built(String section, Supplier<T> build) {
    try {
      return build.get();
    } catch (IllegalArgumentException e) {
      throw new ConfigError(section + ": " + e.getMessage(), e);
    }
  }

  /**
   * validate.keep-best ranks validations after the algorithm's own inner-step count, so it needs
   * validations, with that count among evaluate.steps, of a model an ensemble can combine.
   */
  private void checkKeepBest() {
    int keep = settings.validate().keepBest();
    if (keep == 0) {
      return;
    }
    String key = ValidateSettings.KEEP_BEST.path() + " = " + keep;
    if (settings.validate().every() == 0) {
      throw new ConfigError(key + " keeps the models of the best validations, but " + ValidateSettings.EVERY.path()
          + " = 0 never validates: set it, e.g. --set validate.every=500");
    }
    if (algorithm instanceof PolicyGradientAlgorithm) {
      throw new ConfigError(key + " ranks supervised models by their validation; " + AlgorithmSettings.NAME.path()
          + " = " + algorithm.name() + " trains a policy, whose validation returns are not ranked (yet)");
    }
    int steps = algorithm.adaptation().steps();
    int[] evaluated = settings.evaluate().stepCounts();
    if (!algorithm.adaptation().byPrototypes() && Arrays.stream(evaluated).noneMatch(n -> n == steps)) {
      throw new ConfigError(key + " ranks validations after the algorithm's " + steps + " inner steps ("
          + AlgorithmSettings.INNER_STEPS.path() + "), but " + EvaluateSettings.STEPS.path() + " = "
          + Arrays.toString(evaluated) + " does not list " + steps);
    }
  }

  /** Clip the mean meta-gradient (outer.clip-norm > 0), then the optimizer, then the schedule's scaling, if any. */
  private GradientTransformation chainOptimizer() {
    List<GradientTransformation> parts = new ArrayList<>();
    if (settings.outer().clipNorm() > 0) {
      parts.add(new ClipByGlobalNorm(settings.outer().clipNorm()));
    }
    parts.add(settings.outer().optimizer().create(settings.outer().lr(), values()));
    settings.outer().schedule().create(values()).ifPresent(parts::add);
    return Chain.of(parts);
  }

  public Settings settings() {
    return settings;
  }

  public Values values() {
    return settings.values();
  }

  /** The network meta-training trains. */
  public ModelSpec model() {
    return model;
  }

  public MetaAlgorithm algorithm() {
    return algorithm;
  }

  /**
   * What computes the network: {@code model.learner} as the algorithm resolves it ({@code auto}
   * takes the float route for one that asks no Hessian-vector products), for training, validation
   * and evaluation alike; checkpoints and the model card record it, and adapt takes the card's.
   */
  public LearnerChoice learner() {
    return settings.model().learner().resolvedFor(algorithm.usesHessianProducts());
  }

  /** The outer optimizer: clipping, the optimizer and the schedule, chained. */
  public GradientTransformation optimizer() {
    return optimizer;
  }

  public TrainingPlan plan() {
    return plan;
  }

  /** The tasks of one part of the data (built once per part). */
  public synchronized TaskFamily taskFamily(Part part) {
    return families.computeIfAbsent(part, p -> built("tasks", () -> settings.tasks().family().create(p, values(),
        locations)));
  }

  /** The parts of the data a train job reads: training, validation if it validates, test if it evaluates after. */
  public List<TaskFamily> familiesOfTraining() {
    List<TaskFamily> out = new ArrayList<>(List.of(taskFamily(Part.TRAIN)));
    if (settings.validate().every() > 0) {
      out.add(taskFamily(Part.VALIDATION));
    }
    if (settings.evaluate().afterTrain()) {
      out.add(taskFamily(Part.TEST));
    }
    return out;
  }

  /** What computes a task of {@code part} for the network {@code network} (the job's own, or a saved model's). */
  public TaskRunner runner(ModelSpec network, Part part) {
    return new TaskRunner(network, taskFamily(part), algorithm, learner());
  }

  /** The network's parameters where meta-training starts (model.init with model.seed); a fresh copy. */
  public synchronized double[] initialParams() {
    if (initialParams == null) {
      initialParams = settings.model().init().initialParams(model, settings.model().seed());
    }
    return initialParams.clone();
  }

  /** Where model.init with model.seed starts {@code network}: a saved model's, which may not be this job's. */
  public double[] initialParams(ModelSpec network) {
    return network.equals(model) ? initialParams()
        : settings.model().init().initialParams(network, settings.model().seed());
  }

  /** On the executors, before any work: a dataset that cannot give the tasks of {@code families} is a DataError. */
  public void checkTaskData(JavaSparkContext sc, List<TaskFamily> families) {
    Optional<String> problem = TaskDataCheck.firstProblem(sc, families);
    if (problem.isPresent()) {
      throw new DataError("the task data cannot give the configured tasks: " + problem.get());
    }
  }

  /** The task family's preparation, with Spark running; its report for tasks.json, or null. */
  public Map<String, Object> prepareTasks(JavaSparkContext sc, PrintStream out) {
    return settings.tasks().family().prepare(sc, values(), locations, model, out);
  }

  /** A task's size and input shape, for FLOP counts. */
  public TaskFamilyType.TaskShape taskShape() {
    return settings.tasks().family().shape(values(), model);
  }

  /** The whole config, defaults included, as HOCON: what config.conf and model.json keep. */
  public String render() {
    return config.root().render(ConfigRenderOptions.defaults().setOriginComments(false).setJson(false));
  }

  /** The config with the network it resolves to: what checkpoints store, and resume compares. */
  public String fingerprint() {
    return RunFingerprint.render(currentFingerprint());
  }

  /**
   * What keeps a checkpoint written under {@code savedFingerprint} from being continued under this
   * job, as "key (saved -> now)"; empty when it may be.
   */
  public List<String> resumeDifferences(String savedFingerprint) {
    return ResumeCheck.differences(savedFingerprint, currentFingerprint(), schema, model,
        algorithm.usesHessianProducts());
  }

  /** What to tell the user who continues a checkpoint under {@code savedFingerprint}, if anything. */
  public Optional<String> resumeNote(String savedFingerprint) {
    return RunFingerprint.unrecordedLearner(ConfigFactory.parseString(savedFingerprint), currentFingerprint());
  }

  private Config currentFingerprint() {
    return RunFingerprint.of(config, model, learner());
  }

  /**
   * What the joint baseline's network depends on, to tell whether a saved one still fits the
   * config: the model, the tasks, the run seed, the meta-batch (which orders the tasks), the
   * partitions (the workers whose parameters are averaged) and evaluate.joint.
   */
  public String jointFingerprint() {
    StringBuilder b = new StringBuilder();
    for (String path : List.of("model", "tasks", RunSettings.SEED.path(), TrainSettings.META_BATCH.path(),
        SparkSettings.PARTITIONS.path(), "evaluate.joint")) {
      b.append(path).append('=').append(config.getValue(path).render(ConfigRenderOptions.concise().setJson(false)))
          .append('\n');
    }
    return b.toString();
  }
}
