package io.metaspark.app.evaluate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.metaspark.app.config.EvaluateSettings;
import io.metaspark.app.config.Job;
import io.metaspark.app.run.RunDirectory;
import io.metaspark.core.eval.MeanEstimate;
import io.metaspark.core.rl.PolicyGradientMaml;
import io.metaspark.core.task.TaskDescriptor;
import io.metaspark.core.task.TaskSampler;
import io.metaspark.core.task.image.ClassSplit;
import io.metaspark.spark.TaskRunner;
import io.metaspark.spark.ThreadLearners;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * A policy's evaluation on fresh environment tasks (evaluate.tasks of them, from evaluate.seed):
 * the average return after each of evaluate.steps policy-gradient steps, each step on its own
 * rollouts, with a 95% confidence interval over the tasks; one Spark task per partition of tasks.
 * What train does at its end for maml-rl and fomaml-rl, whose "losses" are not supervised ones.
 */
public final class ReturnEvaluation {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final JavaSparkContext sc;
  private final Job job;
  private final PrintStream out;

  public ReturnEvaluation(JavaSparkContext sc, Job job, PrintStream out) {
    this.sc = sc;
    this.job = job;
    this.out = out;
  }

  /** Evaluates meta-parameters {@code meta}, prints the table, writes it to {@code dir}/{@code file} and returns it. */
  public Map<String, Object> evaluate(PolicyGradientMaml algorithm, double[] meta, int trajectories, RunDirectory dir,
      String file) throws IOException {
    EvaluateSettings settings = job.settings().evaluate();
    int[] steps = settings.steps().stream().mapToInt(Integer::intValue).sorted().toArray();
    List<TaskDescriptor> tasks = TaskSampler.evaluationTasks(settings.seed(), settings.tasks());
    TaskRunner runner = job.runner(job.model(), ClassSplit.Part.TEST);
    List<double[]> returns = sc.parallelize(tasks, job.settings().spark().partitions()).map(descriptor ->
        algorithm.returnsAfter(ThreadLearners.forCurrentThread(runner.model(), runner.learner()), meta,
            runner.family().open(descriptor, DataType.DOUBLE), steps, trajectories)).collect();
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("tasks", tasks.size());
    document.put("seed", settings.seed());
    document.put("trajectories_per_step", trajectories);
    List<Map<String, Object>> rows = new ArrayList<>();
    out.printf(Locale.ROOT, "evaluation: %d fresh tasks (seed %d), %d trajectories per step%n", tasks.size(),
        settings.seed(), trajectories);
    out.printf(Locale.ROOT, "%6s  %15s  %10s%n", "steps", "average return", "95% CI");
    for (int i = 0; i < steps.length; i++) {
      int step = i;
      MeanEstimate estimate = MeanEstimate.of(returns.stream().mapToDouble(r -> r[step]).toArray());
      double mean = estimate.mean();
      // one task has no spread to estimate: no interval, rather than a zero-width one
      double halfWidth = returns.size() < 2 ? Double.NaN : estimate.halfWidth95();
      out.printf(Locale.ROOT, "%6d  %15.2f  %10s%n", steps[i], mean, String.format(Locale.ROOT, "± %.2f", halfWidth));
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("steps", steps[i]);
      row.put("average_return", mean);
      row.put("ci95", halfWidth);
      rows.add(row);
    }
    document.put("returns", rows);
    dir.writeString(file, JSON.writeValueAsString(document));
    return document;
  }
}
