package io.metaspark.app;

import io.metaspark.app.config.ConfigError;
import io.metaspark.app.config.Job;
import picocli.CommandLine.ParentCommand;
import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.task.image.ClassSplit;
import io.metaspark.spark.ModelFitCheck;
import io.metaspark.spark.TaskRunner;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Adapt a saved initialization (and evaluate.baselines) to fresh tasks as it was trained to adapt "
        + "(model.json) and report the query loss after 0, 1, ... steps.")
final class EvaluateCommand implements Callable<Integer> {
  @ParentCommand
  MetasparkCli cli;

  @Mixin
  JobOptions options;

  @Option(names = "--model", required = true, paramLabel = "DIR", description = "a run's final/ directory")
  String model;

  @Option(names = "--output", paramLabel = "NAME", defaultValue = "evaluation.json",
      description = "file name for the results, written in the model directory (default: ${DEFAULT-VALUE})")
  String output;

  @Override
  public Integer call() throws Exception {
    Job job = options.load(cli.registries());
    RunDirectory modelDir;
    MultiLayerNetwork net;
    ModelCard card;
    Adaptation adaptation;
    double[] meta;
    try {
      modelDir = RunDirectory.open(model, new Configuration());
      net = ModelExport.read(modelDir);
      card = ModelExport.readCard(modelDir);
      adaptation = card.adaptation();
      meta = card.meta(ModelExport.params(net));
    } catch (java.io.IOException | IllegalArgumentException e) {
      throw new ConfigError("--model " + model + ": " + e.getMessage(), e);
    }
    ModelSpec spec = ModelExport.spec(net);
    System.out.printf(Locale.ROOT, "metaspark evaluate: %s (%d parameters), adapting as trained: %s%n", modelDir,
        card.numParams(), adaptation.describe());
    try (JavaSparkContext sc = SparkContexts.start(job, options.master)) {
      job.prepareTasks(sc, System.out);
      TrainingRun.checkData(sc, List.of(job.taskFamily(ClassSplit.Part.TEST)));
      Optional<String> misfit = ModelFitCheck.problem(sc,
          job.runner(spec, ClassSplit.Part.TEST), adaptation, meta);
      if (misfit.isPresent()) {
        throw new ConfigError("--model " + modelDir + " does not fit the tasks of the config: " + misfit.get());
      }
      AdaptationEvaluation evaluation = AdaptationEvaluation.run(sc, job, spec, adaptation, meta);
      EvaluationTable table = new EvaluationTable(evaluation);
      // the run directory, which holds final/ and joint/: train and evaluate of a run share the joint network
      new Baselines(sc, job, System.out).addTo(table, spec, modelDir.parent(), adaptation);
      table.print(System.out);
      table.write(modelDir, output);
      System.out.printf("written: %s/%s%n", modelDir, output);
      Optional<String> diverged = EvaluationDivergence.of(evaluation);
      if (diverged.isPresent()) {
        throw new EvaluationDivergence.Diverged(diverged.get());
      }
    }
    return 0;
  }
}
