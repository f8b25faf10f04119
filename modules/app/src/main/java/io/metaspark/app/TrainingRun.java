package io.metaspark.app;

import io.metaspark.app.config.ConfigError;
import io.metaspark.app.config.DataError;
import io.metaspark.app.config.Job;
import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.algo.MetaAlgorithm;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.task.TaskFamily;
import io.metaspark.spark.IterationListener;
import io.metaspark.spark.IterationReport;
import io.metaspark.spark.SparkMetaTrainer;
import io.metaspark.spark.TaskDataCheck;
import io.metaspark.spark.TrainingPlan;
import io.metaspark.spark.TrainingState;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One invocation of train on a run directory: lock it, continue from its newest valid checkpoint
 * (or start), checkpoint every {@code checkpoint.every} iterations and at the end, export the
 * final model and evaluate it. A crash loses at most the iterations since the last checkpoint.
 */
final class TrainingRun {
  private static final Logger LOG = LoggerFactory.getLogger(TrainingRun.class);
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper()
      .enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);
  static final String CHECKPOINTS = "checkpoints";
  static final String FINAL = "final";

  private final JavaSparkContext sc;
  private final Job job;
  private final PrintStream out;

  TrainingRun(JavaSparkContext sc, Job job, PrintStream out) {
    this.sc = sc;
    this.job = job;
    this.out = out;
  }

  /** @param requireCheckpoint --resume: refuse to start from scratch */
  RunDirectory run(boolean requireCheckpoint) throws IOException {
    RunDirectory run = RunDirectory.openOrCreate(job.settings().run().dir(), job.settings().run().name(), sc.hadoopConfiguration());
    try (RunLock lock = RunLock.acquire(run.fs(), run.root(), job.settings().run().staleLockAfter(), LOG::warn)) {
      CheckpointStore checkpoints = new CheckpointStore(run.child(CHECKPOINTS), job.settings().checkpoint().keep());
      Map<String, Object> tableReport = job.prepareTasks(sc, out);
      if (tableReport != null) {
        run.writeString("tasks.json", JSON.writeValueAsString(tableReport));
      }
      TrainingPlan plan = job.plan();
      ModelSpec model = plan.runner().model();
      TrainingState start = startingPoint(run, checkpoints, plan, model, requireCheckpoint);
      run.writeString("config.conf", job.render());
      if (start.nextIteration() >= plan.iterations() && run.exists(FINAL + "/" + ModelExport.MODEL)) {
        out.printf(Locale.ROOT, "run %s is complete (%d of %d iterations); its model: %s/%s%n", run,
            start.nextIteration(), plan.iterations(), run, FINAL);
        return run;
      }
      if (start.nextIteration() > 0) {
        out.printf(Locale.ROOT, "  resuming %s from its checkpoint at iteration %d%n", run, start.nextIteration());
      }
      checkData(sc, job.familiesOfTraining());
      TrainingState end = train(run, lock, checkpoints, plan, model, start);
      finish(run, plan, model, end, tableReport);
      return run;
    }
  }

  /** On an executor, before the first iteration: a dataset that cannot give the tasks is exit code 3, not a failed job. */
  static void checkData(JavaSparkContext sc, List<TaskFamily> families) {
    Optional<String> problem = TaskDataCheck.firstProblem(sc, families);
    if (problem.isPresent()) {
      throw new DataError("the task data cannot give the configured tasks: " + problem.get());
    }
  }

  private TrainingState startingPoint(RunDirectory run, CheckpointStore checkpoints, TrainingPlan plan, ModelSpec model,
      boolean requireCheckpoint) throws IOException {
    Optional<Checkpoint> latest = checkpoints.newestValid(reason -> {
      LOG.warn("skipping checkpoint {}", reason);
      out.println("  skipping a checkpoint that does not verify: " + reason);
    });
    if (latest.isEmpty()) {
      if (requireCheckpoint) {
        throw new ConfigError("--resume: " + run + " has no checkpoint that verifies");
      }
      double[] initial = plan.runner().algorithm().init(job.initialParams());
      return new TrainingState(0, initial, plan.optimizer().init(initial));
    }
    Checkpoint c = latest.get();
    List<String> changed = job.resumeDifferences(c.config());
    if (!changed.isEmpty()) {
      throw new ConfigError("run " + run + " was trained with a different config, so it cannot be continued: "
          + String.join(", ", changed) + ". Use another run.name for a new run.");
    }
    int metaParams = plan.runner().algorithm().init(model.initialParams()).length;
    if (c.state().params().length != metaParams) {
      throw new ConfigError("the checkpoint of " + run + " has " + c.state().params().length
          + " meta-parameters, the model and algorithm " + metaParams);
    }
    String kept = c.state().optimizerState().layout();
    String expected = plan.optimizer().init(c.state().params()).layout();
    if (!kept.equals(expected)) {
      throw new ConfigError("the checkpoint of " + run + " holds the optimizer state " + kept
          + " but the configured optimizer keeps " + expected);
    }
    return c.state();
  }

  private TrainingState train(RunDirectory run, RunLock lock, CheckpointStore checkpoints, TrainingPlan plan,
      ModelSpec model, TrainingState start) throws IOException {
    out.printf(Locale.ROOT, "  Spark %s (%s), %d partitions, mode %s; run directory %s%n", sc.version(), sc.master(),
        plan.partitions(), plan.mode().configName(), run);
    long began = System.nanoTime();
    TrainingState end;
    try (MetricsLog metrics = MetricsLog.continuing(run, start.nextIteration())) {
      ProgressReporter progress = new ProgressReporter(out, metrics, plan.iterations());
      PeriodicValidation validation = new PeriodicValidation(sc, job, model, plan.runner().algorithm().adaptation(),
          metrics, out);
      ConfirmedCheckpoints confirmed = new ConfirmedCheckpoints(checkpoints, job.settings().checkpoint().every(),
          job.fingerprint(), LOG::warn);
      IterationListener listener = new IterationListener() {
        @Override
        public boolean needsState(long iteration) {
          return confirmed.needsState(iteration) || validation.needsState(iteration);
        }

        @Override
        public boolean stopRequested() {
          return Interruption.stopRequested();
        }

        @Override
        public void onIteration(IterationReport report, TrainingState state) {
          progress.onIteration(report, state);
          validation.onIteration(report, state);
          try {
            lock.requireHeld();
            confirmed.onIteration(report, state);
          } catch (RunLock.RunLockedException e) {
            throw new UncheckedIOException(e.getMessage(), e);
          } catch (IOException e) {
            throw new UncheckedIOException("cannot write a checkpoint of " + run, e);
          }
        }
      };
      Interruption.allowGracefulStop(job.settings().run().stopGracePeriod());
      try {
        end = new SparkMetaTrainer(sc, plan).train(start, listener);
      } finally {
        Interruption.endGracefulStop();
      }
      if (Interruption.stopRequested()) {
        stopped(confirmed, end);
      }
      confirmed.writeFinal(end);
    }
    double seconds = (System.nanoTime() - began) / 1e9;
    long done = end.nextIteration() - start.nextIteration();
    out.printf(Locale.ROOT, "trained %d iterations in %s (%.0f tasks/s overall)%n", done,
        ProgressReporter.clock(seconds), done * plan.metaBatch() / Math.max(seconds, 1e-9));
    return end;
  }

  /** After a SIGTERM or SIGINT: the state reached is checkpointed if the grace period still allows, then the job ends. */
  private void stopped(ConfirmedCheckpoints confirmed, TrainingState end) throws IOException {
    boolean written = Interruption.withinGracePeriod() && confirmed.writeOnStop(end);
    out.printf(Locale.ROOT, "stopped after %d iterations%s%n", end.nextIteration(),
        written ? ", checkpoint written: the same command resumes there" : ", no checkpoint written");
    throw new Interruption.Stopped("stopped after " + end.nextIteration() + " iterations");
  }

  /** Evaluates the final meta-parameters as the algorithm adapts (and the baselines), and exports them with their card. */
  private void finish(RunDirectory run, TrainingPlan plan, ModelSpec model, TrainingState end,
      Map<String, Object> tableReport) throws IOException {
    MetaAlgorithm algorithm = plan.runner().algorithm();
    Adaptation adaptation = algorithm.adaptation();
    Map<String, Object> evaluation = null;
    Optional<String> diverged = Optional.empty();
    if (job.settings().evaluate().afterTrain()) {
      AdaptationEvaluation result = AdaptationEvaluation.run(sc, job, model, adaptation, end.params());
      diverged = EvaluationDivergence.of(result);
      EvaluationTable table = new EvaluationTable(result);
      new Baselines(sc, job, out).addTo(table, model, run, adaptation);
      table.print(out);
      table.write(run, "evaluation.json");
      evaluation = table.document();
    }
    double[] network = algorithm.networkPart(end.params());
    ModelCard card = ModelCard.of(Instant.now().toString(), algorithm.name(), adaptation,
        adaptation.learnedPart(end.params()), HessianProductNotice.of(plan.runner()).modelCardValue(),
        plan.runner().family().describe(), plan.iterations(), plan.metaBatch(), job.settings().run().seed(), network.length,
        job.settings().model().init().configName(), job.render(), tableReport, evaluation);
    ModelExport.write(run.child(FINAL), model, network, card);
    out.printf("model: %s/%s%n", run, FINAL);
    if (diverged.isPresent()) {
      throw new EvaluationDivergence.Diverged(diverged.get());
    }
  }
}
