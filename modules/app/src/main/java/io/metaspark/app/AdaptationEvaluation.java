package io.metaspark.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.metaspark.core.eval.AdaptationCurve;
import io.metaspark.core.eval.CurveEstimate;
import io.metaspark.core.eval.MeanEstimate;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.task.TaskSampler;
import io.metaspark.core.task.image.ClassSplit;
import io.metaspark.spark.SparkEvaluator;
import io.metaspark.spark.TaskRunner;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Query loss after 0, 1, ... adaptation steps on fresh tasks, with 95% confidence intervals, and for
 * classification tasks the query accuracy next to it ({@code accuracies} is null for regression, whose
 * output stays as it was): what train prints at its end and what evaluate prints for any saved model.
 */
record AdaptationEvaluation(int tasks, long seed, double innerLearningRate, int[] steps, MeanEstimate[] losses,
    MeanEstimate[] accuracies) {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** On the test tasks: {@code evaluate.tasks} drawn from {@code evaluate.seed}, from the data's TEST part. */
  static AdaptationEvaluation run(JavaSparkContext sc, JobConfig job, ModelSpec model, double[] params) {
    return run(sc, job, model, params, ClassSplit.Part.TEST, job.evaluationTasks(), job.evaluationSeed());
  }

  static AdaptationEvaluation run(JavaSparkContext sc, JobConfig job, ModelSpec model, double[] params,
      ClassSplit.Part part, int tasks, long seed) {
    AdaptationCurve curve = new AdaptationCurve(job.evaluationSteps(), job.innerLoop().learningRate());
    TaskRunner runner = new TaskRunner(model, job.taskFamily(part), job.algorithm(), job.learner());
    CurveEstimate estimate = new SparkEvaluator(sc, job.partitions())
        .estimate(runner, params, TaskSampler.evaluationTasks(seed, tasks), curve);
    return new AdaptationEvaluation(tasks, seed, job.innerLoop().learningRate(), curve.steps(), estimate.losses(),
        estimate.accuracies());
  }

  /** One line, e.g. "validation (200 tasks): 0 steps 3.81 +- 0.4 | 1 step 0.92 +- 0.1". */
  String summary(String label) {
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%s (%d tasks):", label, tasks));
    for (int i = 0; i < steps.length; i++) {
      b.append(String.format(Locale.ROOT, "%s %d step%s %s +- %s", i == 0 ? "" : " |", steps[i],
          steps[i] == 1 ? "" : "s", number(losses[i].mean()), number(losses[i].halfWidth95())));
      if (accuracies != null) {
        b.append(String.format(Locale.ROOT, ", accuracy %s", percent(accuracies[i])));
      }
    }
    return b.toString();
  }

  /** Rows of {steps, query_loss, ci95_half_width, std} (and query_accuracy, accuracy_ci95_half_width), for JSON. */
  List<Map<String, Object>> rows() {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < steps.length; i++) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("steps", steps[i]);
      row.put("query_loss", losses[i].mean());
      row.put("ci95_half_width", losses[i].halfWidth95());
      row.put("std", losses[i].standardDeviation());
      if (accuracies != null) {
        row.put("query_accuracy", accuracies[i].mean());
        row.put("accuracy_ci95_half_width", accuracies[i].halfWidth95());
      }
      rows.add(row);
    }
    return rows;
  }

  void print(PrintStream out) {
    out.printf(Locale.ROOT, "evaluation: %d fresh tasks (seed %d), inner lr %s%n", tasks, seed, innerLearningRate);
    if (accuracies == null) {
      out.println("  steps   query loss   95% CI");
      for (int i = 0; i < steps.length; i++) {
        out.printf(Locale.ROOT, "  %5d   %10s   +- %s%n", steps[i], number(losses[i].mean()), number(losses[i].halfWidth95()));
      }
      return;
    }
    out.println("  steps   query loss   95% CI        accuracy   95% CI");
    for (int i = 0; i < steps.length; i++) {
      out.printf(Locale.ROOT, "  %5d   %10s   +- %-9s   %7.2f%%   +- %.2f%%%n", steps[i], number(losses[i].mean()),
          number(losses[i].halfWidth95()), 100 * accuracies[i].mean(), 100 * accuracies[i].halfWidth95());
    }
  }

  /** "97.12% +- 0.45%". */
  private static String percent(MeanEstimate accuracy) {
    return String.format(Locale.ROOT, "%.2f%% +- %.2f%%", 100 * accuracy.mean(), 100 * accuracy.halfWidth95());
  }

  /** Four decimals, or scientific notation for a diverged value that would print as dozens of digits. */
  static String number(double x) {
    return Math.abs(x) < 1e5 || !Double.isFinite(x)
        ? String.format(Locale.ROOT, "%.4f", x)
        : String.format(Locale.ROOT, "%.3e", x);
  }

  void write(RunDirectory dir, String name) throws IOException {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("tasks", tasks);
    doc.put("seed", seed);
    doc.put("inner_lr", innerLearningRate);
    doc.put("results", rows());
    dir.writeString(name, JSON.writeValueAsString(doc));
  }
}
