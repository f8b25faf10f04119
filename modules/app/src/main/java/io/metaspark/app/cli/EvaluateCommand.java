package io.metaspark.app.cli;

import io.metaspark.app.adapt.ModelCard;
import io.metaspark.app.adapt.ModelExport;
import io.metaspark.app.adapt.SavedEnsemble;
import io.metaspark.app.adapt.SavedModel;
import io.metaspark.app.adapt.SavedPolicy;
import io.metaspark.app.config.ConfigError;
import io.metaspark.app.config.Job;
import io.metaspark.app.config.TaskSettings;
import io.metaspark.app.evaluate.ModelEvaluation;
import io.metaspark.app.evaluate.ReturnEvaluation;
import io.metaspark.app.run.SparkContexts;
import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.rl.PolicyGradientAlgorithm;
import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "evaluate",
    description = "Adapt a saved initialization (and evaluate.baselines) to fresh tasks as it was trained to adapt "
        + "(model.json) and report the query loss after 0, 1, ... steps; for a policy, the average return on fresh"
        + " environments; for a directory of saved models (a run's best/), their ensemble's.")
final class EvaluateCommand implements Callable<Integer> {
  @Mixin
  JobOptions options;

  @Mixin
  ModelOption model;

  @Option(names = "--output", paramLabel = "NAME", defaultValue = "evaluation.json",
      description = "file name for the results, written in the model directory (default: ${DEFAULT-VALUE})")
  String output;

  @Option(names = "--rule", paramLabel = "RULE",
      description = "adapt the saved network's parameters by a hand-set optimizer instead, sgd or adam at --lr, for as"
          + " many steps: what a learned optimizer is compared with")
  String rule;

  @Option(names = "--lr", paramLabel = "LR", description = "the --rule's learning rate")
  Double learningRate;

  @Override
  public Integer call() throws Exception {
    Job job = options.load();
    if ((rule == null) != (learningRate == null)) {
      throw new ConfigError("--rule and --lr go together: a hand-set optimizer needs its learning rate");
    }
    if (learningRate != null && !(learningRate > 0 && Double.isFinite(learningRate))) {
      throw new ConfigError("--lr must be a positive number, got " + learningRate);
    }
    Configuration hadoop = new Configuration();
    try {
      if (SavedEnsemble.holdsMembers(model.dir, hadoop)) {
        return evaluateEnsemble(job, SavedEnsemble.read(model.dir, hadoop));
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigError("--model " + model.dir + ": " + e.getMessage(), e);
    }
    SavedModel saved;
    try {
      saved = SavedModel.read(model.dir, hadoop);
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigError("--model " + model.dir + ": " + e.getMessage(), e);
    }
    if (saved.card().policy() != null || job.algorithm() instanceof PolicyGradientAlgorithm) {
      return evaluatePolicy(job, saved);
    }
    Adaptation adaptation;
    double[] meta;
    try {
      if (rule == null) {
        adaptation = saved.adaptation();
        meta = saved.meta();
      } else {
        adaptation = ModelCard.handSet(rule, learningRate, saved.card().innerSteps());
        meta = ModelExport.params(saved.network());
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigError("--model " + model.dir + ": " + e.getMessage(), e);
    }
    System.out.printf(Locale.ROOT, "metaspark evaluate: %s (%d parameters), adapting %s: %s%n", saved.dir(),
        saved.card().numParams(), rule == null ? "as trained" : "by hand-set " + rule, adaptation.describe());
    try (JavaSparkContext sc = SparkContexts.start(job, options.master)) {
      new ModelEvaluation(sc, job, System.out).evaluate(saved, adaptation, meta, output).requireConverged();
    }
    return 0;
  }

  /**
   * Models in subdirectories (a run's best/): adapted each as it was trained, their query predictions
   * combined as the softmax of their averaged logits, on the same tasks.
   */
  private int evaluateEnsemble(Job job, SavedEnsemble ensemble) throws IOException {
    if (rule != null) {
      throw new ConfigError("--rule adapts one model by a hand-set optimizer; --model " + ensemble.dir()
          + " holds an ensemble, whose members adapt as they were trained");
    }
    if (job.algorithm() instanceof PolicyGradientAlgorithm
        || ensemble.members().stream().anyMatch(m -> m.card().policy() != null)) {
      throw new ConfigError("--model " + ensemble.dir() + " holds several models: an ensemble is of classifiers, and"
          + " policies are evaluated one at a time (give one model's directory)");
    }
    System.out.printf(Locale.ROOT, "metaspark evaluate: an ensemble of the %d models in %s (%d parameters each),"
        + " each adapting as trained, predicting the softmax of their averaged logits%n", ensemble.members().size(),
        ensemble.dir(), ensemble.members().get(0).card().numParams());
    try (JavaSparkContext sc = SparkContexts.start(job, options.master)) {
      new ModelEvaluation(sc, job, System.out).evaluateEnsemble(ensemble.dir(), ensemble.members(), output)
          .requireConverged();
    }
    return 0;
  }

  /** A policy: its average return after each of evaluate.steps policy-gradient steps on the config's environments. */
  private int evaluatePolicy(Job job, SavedModel saved) throws IOException {
    if (rule != null) {
      throw new ConfigError("--rule adapts a supervised model by a hand-set optimizer; --model " + saved.dir()
          + " is a policy, adapted by policy-gradient steps as it was trained");
    }
    ReturnEvaluation.SavedOnTasks onTasks;
    try {
      onTasks = ReturnEvaluation.SavedOnTasks.of(job, SavedPolicy.of(saved));
    } catch (IllegalArgumentException e) {
      throw new ConfigError("--model " + saved.dir() + " " + e.getMessage() + (saved.card().policy() == null
          ? "; the config's " + TaskSettings.FAMILY.path() + " = " + job.values().get(TaskSettings.FAMILY)
          + " needs a policy trained by maml-rl or fomaml-rl (a policy exported before policies kept their log"
          + " standard deviations must be trained again)" : ""), e);
    }
    System.out.printf(Locale.ROOT, "metaspark evaluate: %s (%s policy, %d network parameters), adapting as trained:"
        + " policy-gradient steps %s; %s%n", saved.dir(), onTasks.policy().policy().distribution(),
        saved.card().numParams(), saved.adaptation().rule().describe(), onTasks.tasks().describe());
    try (JavaSparkContext sc = SparkContexts.start(job, options.master)) {
      new ReturnEvaluation(sc, job, System.out).evaluate(onTasks, output);
    }
    return 0;
  }
}
