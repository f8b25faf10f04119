package io.metaspark.app;

import io.metaspark.app.config.Job;
import picocli.CommandLine.ParentCommand;
import io.metaspark.spark.TrainingPlan;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true,
    description = {"Meta-train a shared initialization on Spark, save it, and evaluate it on fresh tasks.",
        "A run directory that already has checkpoints of the same config is resumed from its newest valid one."})
final class TrainCommand implements Callable<Integer> {
  @ParentCommand
  MetasparkCli cli;

  @Mixin
  JobOptions options;

  @Option(names = "--resume", description = "continue the run from its newest valid checkpoint; fail if it has none")
  boolean resume;

  private final PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    Job job = options.load(cli.registries());
    TrainingPlan plan = job.plan();
    out.printf(Locale.ROOT, "metaspark train: %s, %s; %s; model %d parameters (%s, init %s)%n",
        plan.runner().algorithm().name(), plan.runner().algorithm().adaptation().describe(),
        plan.runner().family().describe(), plan.runner().model().initialParams().length,
        plan.runner().model().dataType().name().toLowerCase(Locale.ROOT), job.settings().model().init().configName());
    out.printf(Locale.ROOT, "  %d iterations x %d tasks, outer %s lr %s, seed %d%n", plan.iterations(),
        plan.metaBatch(), plan.optimizer().describe(), job.settings().outer().lr(), job.settings().run().seed());
    HessianProductNotice.of(plan.runner()).print(out);
    try (JavaSparkContext sc = SparkContexts.start(job, options.master)) {
      RunDirectory run = new TrainingRun(sc, job, out).run(resume);
      out.printf("evaluate it again with: bin/metaspark evaluate --model %s/%s%s%n", run, TrainingRun.FINAL,
          options.config == null ? "" : " --config " + options.config);
    }
    return 0;
  }
}
