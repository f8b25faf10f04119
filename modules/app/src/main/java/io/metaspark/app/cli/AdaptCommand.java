package io.metaspark.app.cli;

import io.metaspark.app.adapt.FewShotAdaptation;
import io.metaspark.app.adapt.TablePersonalization;
import io.metaspark.app.config.ConfigError;
import io.metaspark.app.run.SparkContexts;
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
        "(label not null), every row predicted, written as Parquet."})
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

  @Option(names = "--steps", description = "adaptation steps (default: the model's inner_steps)")
  Integer steps;

  @Option(names = "--lr", description = "adaptation step size (default: the model's inner_lr)")
  Double learningRate;

  @Option(names = "--output", defaultValue = "adapted", paramLabel = "DIR",
      description = "where the adapted model.zip and predictions.csv (--table: predictions.parquet, parameters.parquet,"
          + " adapt.json) go (default: ${DEFAULT-VALUE})")
  String output;

  @Override
  public Integer call() throws Exception {
    if (table != null) {
      return personalizeTable();
    }
    requireSensibleOptions();
    new FewShotAdaptation(new FewShotAdaptation.Request(model.dir, support, predict, supportImages, predictImages,
        steps, learningRate, output), System.out).run();
    return 0;
  }

  private int personalizeTable() throws Exception {
    if (support != null || supportImages != null || predict != null || predictImages != null || steps != null
        || learningRate != null) {
      throw new ConfigError("--table adapts each group as the model was trained to and predicts its rows: it takes"
          + " none of --support, --predict, --support-images, --predict-images, --steps, --lr");
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

  /** The options alone, before any file is read. */
  private void requireSensibleOptions() {
    if ((support == null) == (supportImages == null)) {
      throw new ConfigError("give the task's examples with exactly one of --support (CSV) or --support-images (folders)");
    }
    if (steps != null && steps < 0) {
      throw new ConfigError("--steps must be >= 0, got " + steps);
    }
    if (learningRate != null && !(learningRate > 0 && Double.isFinite(learningRate))) {
      throw new ConfigError("--lr must be a positive number, got " + learningRate);
    }
    if (predictImages != null && supportImages == null) {
      throw new ConfigError("--predict-images needs an image model adapted with --support-images");
    }
    if (predict != null && supportImages != null) {
      throw new ConfigError("--predict takes CSV inputs for a model adapted with --support; for an image model use"
          + " --predict-images");
    }
  }
}
