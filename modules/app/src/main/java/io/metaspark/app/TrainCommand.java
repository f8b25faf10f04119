package io.metaspark.app;

import io.metaspark.core.model.ModelSpec;
import io.metaspark.spark.SparkMetaTrainer;
import io.metaspark.spark.TrainingPlan;
import io.metaspark.spark.TrainingState;
import java.io.PrintStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Meta-train a shared initialization on Spark, save it, and evaluate it on fresh tasks.")
final class TrainCommand implements Callable<Integer> {
  @Mixin
  JobOptions options;

  private final PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    JobConfig job = options.load();
    TrainingPlan plan = job.plan();
    ModelSpec model = plan.runner().model();
    double[] initial = job.initialParams(model);
    out.printf(Locale.ROOT, "metaspark train: %s, %d inner step(s) at lr %s; %s; model %d parameters (%s, init %s)%n",
        plan.runner().algorithm().name(), job.innerLoop().steps(), job.innerLoop().learningRate(),
        plan.runner().family().describe(), initial.length, model.dataType().name().toLowerCase(Locale.ROOT),
        job.parameterInit().configName());
    out.printf(Locale.ROOT, "  %d iterations x %d tasks, outer %s lr %s, seed %d%n", plan.iterations(),
        plan.metaBatch(), plan.optimizer().name(), job.raw().getDouble("outer.lr"), job.seed());

    try (JavaSparkContext sc = SparkContexts.start(job, options.master)) {
      RunDirectory run = RunDirectory.create(job.runDir(), job.runName(), sc.hadoopConfiguration());
      run.writeString("config.conf", job.render());
      out.printf(Locale.ROOT, "  Spark %s (%s), %d partitions; run directory %s%n", sc.version(), sc.master(),
          plan.partitions(), run);

      TrainingState start = new TrainingState(0, initial, plan.optimizer().init(initial.length));
      long began = System.nanoTime();
      TrainingState end;
      try (MetricsLog metrics = new MetricsLog(run.createLog("metrics.jsonl"))) {
        ProgressReporter progress = new ProgressReporter(out, metrics, plan.iterations());
        PeriodicValidation validation = new PeriodicValidation(sc, job, model, metrics, out);
        end = new SparkMetaTrainer(sc, plan).train(start, (report, state) -> {
          progress.onIteration(report, state);
          validation.onIteration(report, state);
        });
      }
      double seconds = (System.nanoTime() - began) / 1e9;
      out.printf(Locale.ROOT, "trained %d iterations in %s (%.0f tasks/s overall)%n", plan.iterations(),
          ProgressReporter.clock(seconds), plan.iterations() * plan.metaBatch() / seconds);

      RunDirectory finalDir = run.child("final");
      Map<String, Object> facts = facts(job, plan, initial.length, seconds);
      AdaptationEvaluation evaluation = null;
      if (job.evaluateAfterTrain()) {
        evaluation = AdaptationEvaluation.run(sc, job, model, end.params());
        evaluation.print(out);
        evaluation.write(run, "evaluation.json");
        facts.put("evaluation_query_loss", Map.of(
            "tasks", evaluation.tasks(), "after_0_steps", String.valueOf(evaluation.lossAfter(0)),
            "after_1_step", String.valueOf(evaluation.lossAfter(1))));
      }
      ModelExport.write(finalDir, model, end.params(), facts);
      out.printf("model: %s%n", finalDir);
      out.printf("evaluate it again with: bin/metaspark evaluate --model %s%s%n", finalDir,
          options.config == null ? "" : " --config " + options.config);
    }
    return 0;
  }

  private static Map<String, Object> facts(JobConfig job, TrainingPlan plan, int numParams, double seconds) {
    Map<String, Object> facts = new LinkedHashMap<>();
    facts.put("format", "metaspark-model/1");
    facts.put("created", Instant.now().toString());
    facts.put("algorithm", plan.runner().algorithm().name());
    facts.put("inner_steps", job.innerLoop().steps());
    facts.put("inner_lr", job.innerLoop().learningRate());
    facts.put("task_family", plan.runner().family().describe());
    facts.put("iterations", plan.iterations());
    facts.put("meta_batch", plan.metaBatch());
    facts.put("seed", job.seed());
    facts.put("num_params", numParams);
    facts.put("training_seconds", seconds);
    facts.put("config", job.render());
    return facts;
  }
}
