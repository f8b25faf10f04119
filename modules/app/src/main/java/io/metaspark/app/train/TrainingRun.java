package io.metaspark.app.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.metaspark.app.adapt.ModelCard;
import io.metaspark.app.adapt.ModelExport;
import io.metaspark.app.adapt.PolicyCard;
import io.metaspark.app.builtin.EnvironmentTasks;
import io.metaspark.app.config.ConfigError;
import io.metaspark.app.config.Job;
import io.metaspark.app.evaluate.ModelEvaluation;
import io.metaspark.app.evaluate.ReturnEvaluation;
import io.metaspark.app.run.CheckpointStore;
import io.metaspark.app.run.Clock;
import io.metaspark.app.run.Interruption;
import io.metaspark.app.run.RunDirectory;
import io.metaspark.app.run.RunLock;
import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.algo.MetaAlgorithm;
import io.metaspark.core.rl.EnvironmentTaskFamily;
import io.metaspark.core.rl.PolicyGradientAlgorithm;
import io.metaspark.core.task.image.ClassSplit;
import io.metaspark.spark.SparkMetaTrainer;
import io.metaspark.spark.TrainingPlan;
import io.metaspark.spark.TrainingState;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One invocation of train on a run directory: lock it, continue from its newest valid checkpoint
 * (or start), checkpoint every {@code checkpoint.every} iterations and at the end, export the
 * final model and evaluate it. A crash loses at most the iterations since the last checkpoint.
 *
 * <pre>{@code
 * Job job = Job.load(new File("conf/sinusoid.conf"), List.of(), BuiltIns.registries());
 * TrainingRun training = new TrainingRun(job, System.out);
 * training.announce();
 * RunDirectory run = training.run(sparkContext, false);
 * }</pre>
 */
public final class TrainingRun {
  private static final Logger LOG = LoggerFactory.getLogger(TrainingRun.class);
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Job job;
  private final TrainingPlan plan;
  private final HessianProductNotice hessianProduct;
  private final PrintStream out;

  public TrainingRun(Job job, PrintStream out) {
    this.job = job;
    this.plan = job.plan();
    this.hessianProduct = HessianProductNotice.of(plan.runner());
    this.out = out;
  }

  /** What the run will do, printed before Spark starts: algorithm, tasks, model, plan, Hessian products. */
  public void announce() {
    MetaAlgorithm algorithm = job.algorithm();
    // the learner decides the arithmetic, and auto's meaning depends on the algorithm: say which it is
    out.printf(Locale.ROOT, "metaspark train: %s, %s; %s; model %d parameters (%s, init %s, learner %s)%n",
        algorithm.name(), algorithm.adaptation().describe(), plan.runner().family().describe(),
        job.initialParams().length, job.model().dataType().name().toLowerCase(Locale.ROOT),
        job.settings().model().init().configName(), job.learner().implementation(job.model()));
    // a trust-region step sets its own length: it has no learning rate to print
    // after the whole chain, comma-separated: "adam, then cosine annealing ..., lr 0.001" names the base rate
    String rate = plan.optimizer().needsCurvature() ? "" : ", lr " + job.settings().outer().lr();
    out.printf(Locale.ROOT, "  %d iterations x %d tasks, outer %s%s, seed %d%n", plan.iterations(),
        plan.metaBatch(), plan.optimizer().describe(), rate, job.settings().run().seed());
    hessianProduct.print(out);
  }

  /**
   * Trains on {@code sc} and returns the run's directory.
   *
   * @param requireCheckpoint --resume: refuse to start from scratch
   */
  public RunDirectory run(JavaSparkContext sc, boolean requireCheckpoint) throws IOException {
    RunDirectory run = RunDirectory.openOrCreate(job.settings().run().dir(), job.settings().run().name(),
        sc.hadoopConfiguration());
    try (RunLock lock = RunLock.acquire(run.fs(), run.root(), job.settings().run().staleLockAfter(), LOG::warn)) {
      CheckpointStore checkpoints = new CheckpointStore(run.child(RunDirectory.CHECKPOINTS),
          job.settings().checkpoint().keep());
      Map<String, Object> tasksReport = job.prepareTasks(sc, out);
      if (tasksReport != null) {
        run.writeString("tasks.json", JSON.writeValueAsString(tasksReport));
      }
      TrainingState start = StartingPoint.of(job, run, checkpoints, requireCheckpoint, out);
      run.writeString("config.conf", job.render());
      if (start.nextIteration() >= plan.iterations() && run.exists(RunDirectory.FINAL + "/" + ModelExport.MODEL)) {
        out.printf(Locale.ROOT, "run %s is complete (%d of %d iterations); its model: %s/%s%n", run,
            start.nextIteration(), plan.iterations(), run, RunDirectory.FINAL);
        return run;
      }
      if (start.nextIteration() > 0) {
        out.printf(Locale.ROOT, "  resuming %s from its checkpoint at iteration %d%n", run, start.nextIteration());
      }
      job.checkTaskData(sc, job.familiesOfTraining());
      TrainingState end = train(sc, run, lock, checkpoints, start, tasksReport);
      finish(sc, run, end, tasksReport);
      return run;
    }
  }

  private TrainingState train(JavaSparkContext sc, RunDirectory run, RunLock lock, CheckpointStore checkpoints,
      TrainingState start, Map<String, Object> tasksReport) throws IOException {
    SparkMetaTrainer trainer;
    try {
      trainer = new SparkMetaTrainer(sc, plan);
    } catch (IllegalArgumentException e) {
      // an outer step the mode chosen for this master cannot run: a setting, found before any iteration
      throw new ConfigError(e.getMessage(), e);
    }
    out.printf(Locale.ROOT, "  Spark %s (%s), %d partitions, mode %s; run directory %s%n", sc.version(), sc.master(),
        plan.partitions(), trainer.mode(), run);
    long began = System.nanoTime();
    TrainingState end;
    try (MetricsLog metrics = MetricsLog.continuing(run, start.nextIteration())) {
      ConfirmedCheckpoints confirmed = new ConfirmedCheckpoints(checkpoints, job.settings().checkpoint().every(),
          job.fingerprint(), LOG::warn);
      BestValidatedModels best = job.settings().validate().keepBest() == 0 ? null
          : new BestValidatedModels(run, job.settings().validate().keepBest(), job.algorithm().adaptation().steps(),
              start.nextIteration(), (dir, params, iteration, validation) -> export(dir, params, iteration,
                  tasksReport, Map.of("validation", validation)));
      RunListener listener = new RunListener(run, lock, new ProgressReporter(out, metrics, plan.iterations()),
          new PeriodicValidation(sc, job, metrics, best, out), confirmed);
      Interruption.allowGracefulStop(job.settings().run().stopGracePeriod());
      try {
        end = trainer.train(start, listener);
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
        Clock.of(seconds), done * plan.metaBatch() / Math.max(seconds, 1e-9));
    return end;
  }

  /** After a SIGTERM or SIGINT: the state reached is checkpointed if the grace period still allows, then the job ends. */
  private void stopped(ConfirmedCheckpoints confirmed, TrainingState end) throws IOException {
    boolean written = Interruption.withinGracePeriod() && confirmed.writeOnStop(end);
    out.printf(Locale.ROOT, "stopped after %d iterations%s%n", end.nextIteration(),
        written ? ", checkpoint written: the same command resumes there" : ", no checkpoint written");
    throw new Interruption.Stopped("stopped after " + end.nextIteration() + " iterations");
  }

  /**
   * Evaluates the final meta-parameters as the algorithm adapts (and the baselines), exports them
   * with their card, and only then reports an evaluation that diverged.
   */
  private void finish(JavaSparkContext sc, RunDirectory run, TrainingState end, Map<String, Object> tasksReport)
      throws IOException {
    MetaAlgorithm algorithm = job.algorithm();
    ModelEvaluation.Result evaluation = null;
    Map<String, Object> returns = null;
    if (job.settings().evaluate().afterTrain() && algorithm instanceof PolicyGradientAlgorithm policyGradient) {
      returns = new ReturnEvaluation(sc, job, out).evaluate(policyGradient, job.model(),
          (EnvironmentTaskFamily) job.taskFamily(ClassSplit.Part.TEST), end.params(), run, RunDirectory.EVALUATION);
    } else if (job.settings().evaluate().afterTrain()) {
      evaluation = new ModelEvaluation(sc, job, out).evaluate(job.model(), algorithm.adaptation(), end.params(), run,
          run, RunDirectory.EVALUATION);
    }
    export(run.child(RunDirectory.FINAL), end.params(), plan.iterations(), tasksReport,
        evaluation == null ? returns : evaluation.document());
    out.printf("model: %s/%s%n", run, RunDirectory.FINAL);
    if (evaluation != null) {
      evaluation.requireConverged();
    }
  }

  /**
   * The model of meta-parameters {@code params}, trained {@code iterations} iterations, exported into
   * {@code dir} with its card (the final model, and the best validations' models).
   */
  private void export(RunDirectory dir, double[] params, long iterations, Map<String, Object> tasksReport,
      Map<String, Object> evaluation) throws IOException {
    MetaAlgorithm algorithm = job.algorithm();
    Adaptation adaptation = algorithm.adaptation();
    double[] network = algorithm.networkPart(params);
    ModelCard card = ModelCard.of(Instant.now().toString(), algorithm.name(), adaptation,
        adaptation.learnedPart(params), hessianProduct.modelCardValue(), plan.runner().family().describe(),
        iterations, plan.metaBatch(), job.settings().run().seed(), network.length,
        job.settings().model().init().configName(), job.learner().implementation(job.model()), job.render(),
        tasksReport, evaluation);
    if (algorithm instanceof PolicyGradientAlgorithm policyGradient) {
      card = card.withPolicy(PolicyCard.of(policyGradient, params, plan.runner().family().describe(),
          EnvironmentTasks.settings(job.values())));
    }
    ModelExport.write(dir, job.model(), network, card);
  }
}
