package io.metaspark.app.cli;

import io.metaspark.app.config.Job;
import io.metaspark.app.run.RunDirectory;
import io.metaspark.app.run.SparkContexts;
import io.metaspark.app.train.TrainingRun;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train",
    description = {"Meta-train a shared initialization on Spark, save it, and evaluate it on fresh tasks.",
        "A run directory that already has checkpoints of the same config is resumed from its newest valid one."})
final class TrainCommand implements Callable<Integer> {
  @Mixin
  JobOptions options;

  @Option(names = "--resume", description = "continue the run from its newest valid checkpoint; fail if it has none")
  boolean resume;

  @Override
  public Integer call() throws Exception {
    Job job = options.load();
    TrainingRun training = new TrainingRun(job, System.out);
    training.announce();
    try (JavaSparkContext sc = SparkContexts.start(job, options.master)) {
      RunDirectory run = training.run(sc, resume);
      System.out.printf("evaluate it again with: bin/metaspark evaluate --model %s/%s%s%n", run, RunDirectory.FINAL,
          options.config == null ? "" : " --config " + options.config);
    }
    return 0;
  }
}
