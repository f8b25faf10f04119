package io.metaspark.app.cli;

import io.metaspark.app.adapt.FewShotAdaptation;
import io.metaspark.app.config.ConfigError;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "adapt",
    description = {"Fine-tune an exported initialization on a new task's few examples, save the adapted network,",
        "and predict. Adapts as the model was trained to (model.json) unless told otherwise.",
        "Examples come from a CSV (--support) or, for image models, one folder per class (--support-images)."})
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

  @Option(names = "--steps", description = "adaptation steps (default: the model's inner_steps)")
  Integer steps;

  @Option(names = "--lr", description = "adaptation step size (default: the model's inner_lr)")
  Double learningRate;

  @Option(names = "--output", defaultValue = "adapted", paramLabel = "DIR",
      description = "where the adapted model.zip and predictions.csv go (default: ${DEFAULT-VALUE})")
  String output;

  @Override
  public Integer call() throws Exception {
    requireSensibleOptions();
    new FewShotAdaptation(new FewShotAdaptation.Request(model.dir, support, predict, supportImages, predictImages,
        steps, learningRate, output), System.out).run();
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
