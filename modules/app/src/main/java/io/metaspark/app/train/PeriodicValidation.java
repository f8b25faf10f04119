package io.metaspark.app.train;

import io.metaspark.app.config.Job;
import io.metaspark.app.config.ValidateSettings;
import io.metaspark.app.evaluate.AdaptationEvaluation;
import io.metaspark.app.evaluate.ReturnEvaluation;
import io.metaspark.core.rl.EnvironmentTaskFamily;
import io.metaspark.core.rl.PolicyGradientAlgorithm;
import io.metaspark.core.task.image.ClassSplit;
import io.metaspark.spark.IterationListener;
import io.metaspark.spark.IterationReport;
import io.metaspark.spark.TrainingState;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Every {@code validate.every} iterations (after the iteration completes), adapts the current
 * initialization to the fixed validation tasks and logs the query losses: the learning curve on
 * held-out tasks, which the meta-batch's own noisy losses are not. Validation adapts the job's
 * network as training does: by the algorithm's adaptation. A policy's validation is its average
 * return on held-out environments after evaluate.steps policy-gradient steps, as its evaluation.
 * With {@code validate.keep-best}, the best validations' models are kept ({@code best}, else null).
 */
record PeriodicValidation(JavaSparkContext sc, Job job, MetricsLog metrics, BestValidatedModels best, PrintStream out)
    implements IterationListener {

  @Override
  public boolean needsState(long iteration) {
    int every = job.settings().validate().every();
    return every > 0 && (iteration + 1) % every == 0;
  }

  @Override
  public void onIteration(IterationReport report, TrainingState state) {
    if (!needsState(report.iteration())) {
      return;
    }
    ValidateSettings validate = job.settings().validate();
    if (job.algorithm() instanceof PolicyGradientAlgorithm policyGradient) {
      ReturnEvaluation.Returns returns = new ReturnEvaluation(sc, job, out).measure(policyGradient, job.model(),
          (EnvironmentTaskFamily) job.taskFamily(ClassSplit.Part.VALIDATION), state.params(), validate.seed(),
          validate.tasks());
      metrics.writeValidation(state.nextIteration(), returns);
      out.println("  after " + state.nextIteration() + " iterations, " + returns.summary("validation"));
      return;
    }
    AdaptationEvaluation validation = AdaptationEvaluation.run(sc, job, job.model(), job.algorithm().adaptation(),
        state.params(), ClassSplit.Part.VALIDATION, validate.tasks(), validate.seed());
    metrics.writeValidation(state.nextIteration(), validation);
    out.println("  after " + state.nextIteration() + " iterations, " + validation.summary("validation"));
    if (best != null) {
      try {
        best.offer(state.nextIteration(), state.params(), validation);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot keep the model of the validation after " + state.nextIteration()
            + " iterations", e);
      }
    }
  }
}
