package io.metaspark.app.cli;

import io.metaspark.app.adapt.FewShotAdaptation;
import io.metaspark.app.adapt.PolicyAdaptation;
import io.metaspark.app.adapt.TablePersonalization;
import io.metaspark.app.config.ConfigError;
import io.metaspark.app.run.SparkContexts;
import io.metaspark.core.algo.SteppedSgd;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "adapt",
    description = {"Fine-tune an exported initialization on a new task's few examples, save the adapted network,",
        "and predict. Adapts as the model was trained to (model.json) unless told otherwise.",
        "Examples come from a CSV (--support) or, for image models, one folder per class (--support-images).",
        "--table personalizes every group of a table in one Spark job: each group adapted on its labelled rows",
        "(label not null), every row predicted, written as Parquet.",
        "A policy (maml-rl, fomaml-rl) adapts to one environment: --goal x,y (navigation-2d), --arms p1,...,pk",
        "(bandit) or the one a task of seed --seed has; it saves the adapted policy (model.zip, model.json)."})
final class AdaptCommand implements Callable<Integer> {
  @Mixin
  ModelOption model;

  @Option(names = "--support", paramLabel = "CSV",
      description = "the task's examples: per row the input columns, then the target columns (a header line is allowed)")
  String support;

  @Option(names = "--predict", paramLabel = "CSV", description = "inputs to predict for, one row each")
  String predict;

  @Option(names = "--support-images", paramLabel = "DIR",
      description = "for image models: one subfolder of images per class; labels follow the sorted folder names")
  String supportImages;

  @Option(names = "--predict-images", paramLabel = "DIR", description = "for image models: images to classify")
  String predictImages;

  @Option(names = "--table", paramLabel = "TABLE",
      description = "a Parquet (or --format csv) table of groups, any Hadoop URI: adapt each group on its labelled rows"
          + " and predict all its rows, on Spark")
  String table;

  @Option(names = "--format", defaultValue = "parquet", paramLabel = "FORMAT",
      description = "--table's format: parquet or csv (a header line) (default: ${DEFAULT-VALUE})")
  String format;

  @Option(names = "--parameters", description = "with --table: also write each group's adapted parameters")
  boolean parameters;

  @Option(names = "--min-labelled-rows", paramLabel = "N",
      description = "with --table: adapt only groups with at least N labelled rows (default: the model's K)")
  Integer minLabelledRows;

  @Option(names = "--group-column", paramLabel = "NAME",
      description = "with --table: the group column (default: the model's, from its training config)")
  String groupColumn;

  @Option(names = "--feature-columns", paramLabel = "NAMES", split = ",",
      description = "with --table: the feature columns, comma-separated (default: the model's)")
  List<String> featureColumns;

  @Option(names = "--label-column", paramLabel = "NAME",
      description = "with --table: the label column, null in the rows to predict (default: the model's)")
  String labelColumn;

  @Option(names = "--master", paramLabel = "URL",
      description = "with --table: Spark master (default: spark-submit's, else local[2])")
  String master;

  @Option(names = "--goal", split = ",", paramLabel = "X,Y",
      description = "a policy for navigation-2d: adapt to the goal (x, y), in [-0.5, 0.5]^2")
  double[] goal;

  @Option(names = "--arms", split = ",", paramLabel = "P1,...,PK",
      description = "a policy for bandits: adapt to the bandit whose arms pay 1 with these probabilities, one per arm")
  double[] arms;

  @Option(names = "--seed", paramLabel = "N",
      description = "a policy: the rollouts' seed, and without --goal or --arms the environment's, as a task of this"
          + " seed draws it (default 0)")
  Long seed;

  @Option(names = "--trajectories", paramLabel = "M",
      description = "a policy: rollouts per step (default: those it was trained with, tasks.support)")
  Integer trajectories;

  @Option(names = "--steps", description = "adaptation steps (default: the model's inner_steps)")
  Integer steps;

  @Option(names = "--lr", description = "adaptation step size (default: the model's inner_lr)")
  Double learningRate;

  @Option(names = "--step-sizes", split = ",", paramLabel = "LR1,LR2,...",
      description = "a policy: the step sizes of steps 1, 2, ..., the last for every later step, as evaluate.step-sizes"
          + " (the MAML code tests navigation at 0.5,0.25)")
  double[] stepSizes;

  @Option(names = "--output", defaultValue = "adapted", paramLabel = "DIR",
      description = "where the adapted model.zip and predictions.csv (--table: predictions.parquet, parameters.parquet,"
          + " adapt.json; a policy: model.zip and model.json) go (default: ${DEFAULT-VALUE})")
  String output;

  @Override
  public Integer call() throws Exception {
    if (table != null) {
      return personalizeTable();
    }
    if (goal != null || arms != null || seed != null || trajectories != null) {
      return adaptPolicy();
    }
    if (stepSizes != null) {
      throw new ConfigError("--step-sizes adapts a policy (with --goal, --arms or --seed); a supervised model takes one"
          + " step size, --lr");
    }
    requireSensibleOptions();
    new FewShotAdaptation(new FewShotAdaptation.Request(model.dir, support, predict, supportImages, predictImages,
        steps, learningRate, output), System.out).run();
    return 0;
  }

  private int personalizeTable() throws Exception {
    if (support != null || supportImages != null || predict != null || predictImages != null || steps != null
        || learningRate != null || stepSizes != null || goal != null || arms != null || seed != null
        || trajectories != null) {
      throw new ConfigError("--table adapts each group as the model was trained to and predicts its rows: it takes"
          + " none of --support, --predict, --support-images, --predict-images, --steps, --lr, --step-sizes, --goal,"
          + " --arms, --seed, --trajectories");
    }
    if (!format.equals("parquet") && !format.equals("csv")) {
      throw new ConfigError("--format must be parquet or csv, got '" + format + "'");
    }
    if (minLabelledRows != null && minLabelledRows < 0) {
      throw new ConfigError("--min-labelled-rows must be >= 0, got " + minLabelledRows);
    }
    TablePersonalization.Request request = new TablePersonalization.Request(model.dir, table, format, output,
        parameters, minLabelledRows, groupColumn, featureColumns, labelColumn);
    try (JavaSparkContext sc = SparkContexts.start(master, "local[2]", "metaspark adapt",
        Map.of("spark.ui.enabled", "false"))) {
      new TablePersonalization(request, System.out).run(SparkSession.builder().config(sc.getConf()).getOrCreate());
    }
    return 0;
  }

  /** A policy, adapted to the environment --goal, --arms or --seed gives. */
  private int adaptPolicy() throws Exception {
    if (support != null || supportImages != null || predict != null || predictImages != null) {
      throw new ConfigError("--goal, --arms, --seed and --trajectories adapt a policy to an environment, which has no"
          + " examples to read: they take none of --support, --predict, --support-images, --predict-images");
    }
    requireSensibleSteps();
    if (trajectories != null && trajectories < 1) {
      throw new ConfigError("--trajectories must be >= 1, got " + trajectories);
    }
    new PolicyAdaptation(new PolicyAdaptation.Request(model.dir, seed, goal, arms, steps, learningRate,
        steppedRates(), trajectories, output), System.out).run();
    return 0;
  }

  /** --step-sizes as the rule they make (which checks them), or null; refused beside --lr. */
  private SteppedSgd steppedRates() {
    if (stepSizes == null) {
      return null;
    }
    if (learningRate != null) {
      throw new ConfigError("--lr and --step-sizes both set the step size: give one");
    }
    try {
      return new SteppedSgd(stepSizes);
    } catch (IllegalArgumentException e) {
      throw new ConfigError("--step-sizes: " + e.getMessage(), e);
    }
  }

  private void requireSensibleSteps() {
    if (steps != null && steps < 0) {
      throw new ConfigError("--steps must be >= 0, got " + steps);
    }
    if (learningRate != null && !(learningRate > 0 && Double.isFinite(learningRate))) {
      throw new ConfigError("--lr must be a positive number, got " + learningRate);
    }
  }

  /** The options alone, before any file is read. */
  private void requireSensibleOptions() {
    if ((support == null) == (supportImages == null)) {
      throw new ConfigError("give the task's examples with exactly one of --support (CSV) or --support-images (folders)"
          + "; a policy's environment with --goal, --arms or --seed");
    }
    requireSensibleSteps();
    if (predictImages != null && supportImages == null) {
      throw new ConfigError("--predict-images needs an image model adapted with --support-images");
    }
    if (predict != null && supportImages != null) {
      throw new ConfigError("--predict takes CSV inputs for a model adapted with --support; for an image model use"
          + " --predict-images");
    }
  }
}
