package io.metaspark.app.evaluate;

import io.metaspark.app.config.Job;
import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.eval.AdaptationCurve;
import io.metaspark.core.eval.CurveEstimate;
import io.metaspark.core.eval.EnsembleCurve;
import io.metaspark.core.eval.MeanEstimate;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.task.TaskSampler;
import io.metaspark.core.task.image.ClassSplit;
import io.metaspark.spark.SparkEvaluator;
import io.metaspark.spark.TaskRunner;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Query loss after 0, 1, ... adaptation steps on fresh tasks, with 95% confidence intervals, and for
 * classification tasks the query accuracy and macro precision, recall and F1 next to it (regression
 * output stays loss only): what train prints at its end and what evaluate prints for any saved model
 * (and its baselines, {@link EvaluationTable}).
 */
public record AdaptationEvaluation(int tasks, long seed, double innerLearningRate, int[] steps, CurveEstimate estimate,
    LearnedRule learnedRule) {

  /**
   * An adaptation whose steps are meta-learned (Meta-SGD's rates, MAML++'s, an update network): its
   * rule's name and the inner steps it was trained for, or null for a hand-set step size.
   */
  public record LearnedRule(String name, int trainedSteps) {
    static LearnedRule of(Adaptation adaptation) {
      return adaptation.rule().learnedValues() > 0 ? new LearnedRule(adaptation.rule().name(), adaptation.steps())
          : null;
    }
  }

  /**
   * The model with meta-parameters {@code meta}, adapted by {@code adaptation} (training's: the
   * algorithm's, or the model card's), on the test tasks: {@code evaluate.tasks} drawn from
   * {@code evaluate.seed}, from the data's TEST part.
   */
  static AdaptationEvaluation run(JavaSparkContext sc, Job job, ModelSpec model, Adaptation adaptation,
      double[] meta) {
    return run(sc, job, model, adaptation, meta, ClassSplit.Part.TEST, job.settings().evaluate().tasks(),
        job.settings().evaluate().seed());
  }

  public static AdaptationEvaluation run(JavaSparkContext sc, Job job, ModelSpec model, Adaptation adaptation,
      double[] meta, ClassSplit.Part part, int tasks, long seed) {
    AdaptationCurve curve = new AdaptationCurve(job.settings().evaluate().stepCounts(), adaptation);
    TaskRunner runner = job.runner(model, part);
    CurveEstimate estimate = new SparkEvaluator(sc, job.settings().spark().partitions())
        .estimate(runner, meta, TaskSampler.evaluationTasks(seed, tasks), curve);
    return new AdaptationEvaluation(tasks, seed, adaptation.rule().learningRate(), curve.steps(), estimate,
        LearnedRule.of(adaptation));
  }

  /**
   * An ensemble of saved models of the network {@code model} on the test tasks, member i adapted by
   * {@code adaptations.get(i)} from {@code metas[i]} ({@link EnsembleCurve}); the step size shown is the
   * first member's.
   */
  static AdaptationEvaluation ensemble(JavaSparkContext sc, Job job, ModelSpec model, List<Adaptation> adaptations,
      double[][] metas) {
    int[] steps = job.settings().evaluate().stepCounts();
    EnsembleCurve curve = new EnsembleCurve(adaptations.stream().map(a -> new AdaptationCurve(steps, a)).toList());
    int tasks = job.settings().evaluate().tasks();
    long seed = job.settings().evaluate().seed();
    CurveEstimate estimate = new SparkEvaluator(sc, job.settings().spark().partitions())
        .estimate(job.runner(model, ClassSplit.Part.TEST), metas, TaskSampler.evaluationTasks(seed, tasks), curve);
    Adaptation first = adaptations.get(0);
    return new AdaptationEvaluation(tasks, seed, first.rule().learningRate(), curve.steps(), estimate,
        LearnedRule.of(first));
  }

  public boolean classification() {
    return estimate.classification();
  }

  /** One line, e.g. "validation (200 tasks): 0 steps 3.81 +- 0.4 | 1 step 0.92 +- 0.1". */
  public String summary(String label) {
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%s (%d tasks):", label, tasks));
    for (int i = 0; i < steps.length; i++) {
      MeanEstimate loss = estimate.losses()[i];
      b.append(String.format(Locale.ROOT, "%s %d step%s %s +- %s", i == 0 ? "" : " |", steps[i],
          steps[i] == 1 ? "" : "s", number(loss.mean()), number(loss.halfWidth95())));
      if (classification()) {
        b.append(String.format(Locale.ROOT, ", accuracy %s, F1 %s", percent(estimate.accuracies()[i]),
            percent(estimate.f1s()[i])));
      }
    }
    return b.toString();
  }

  /**
   * Rows of {steps, query_loss, ci95_half_width, std} and, for classification, query_accuracy,
   * accuracy_ci95_half_width and the same pair for macro_precision, macro_recall and macro_f1, for JSON.
   */
  public List<Map<String, Object>> rows() {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < steps.length; i++) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("steps", steps[i]);
      row.put("query_loss", estimate.losses()[i].mean());
      row.put("ci95_half_width", estimate.losses()[i].halfWidth95());
      row.put("std", estimate.losses()[i].standardDeviation());
      if (classification()) {
        row.put("query_accuracy", estimate.accuracies()[i].mean());
        row.put("accuracy_ci95_half_width", estimate.accuracies()[i].halfWidth95());
        row.put("macro_precision", estimate.precisions()[i].mean());
        row.put("precision_ci95_half_width", estimate.precisions()[i].halfWidth95());
        row.put("macro_recall", estimate.recalls()[i].mean());
        row.put("recall_ci95_half_width", estimate.recalls()[i].halfWidth95());
        row.put("macro_f1", estimate.f1s()[i].mean());
        row.put("f1_ci95_half_width", estimate.f1s()[i].halfWidth95());
      }
      rows.add(row);
    }
    return rows;
  }

  /** The column titles over {@link #printRows}' columns. */
  String header() {
    StringBuilder b = new StringBuilder("steps   query loss   95% CI");
    if (classification()) {
      b.append(" ".repeat(6));
      for (String title : List.of("accuracy", "precision", "recall", "F1")) {
        b.append(String.format(Locale.ROOT, "   %-16s", title + " +- 95%"));
      }
    }
    return b.toString().stripTrailing();
  }

  /** One line per step count, the first after {@code first}, the others after blanks as wide. */
  void printRows(PrintStream out, String first) {
    for (int i = 0; i < steps.length; i++) {
      String lead = i == 0 ? first : " ".repeat(first.length());
      MeanEstimate loss = estimate.losses()[i];
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %s%5d   %10s   +- %-9s", lead, steps[i],
          number(loss.mean()), number(loss.halfWidth95())));
      if (classification()) {
        for (MeanEstimate[] measure : List.of(estimate.accuracies(), estimate.precisions(), estimate.recalls(),
            estimate.f1s())) {
          line.append(String.format(Locale.ROOT, "   %-16s", percent(measure[i])));
        }
      }
      out.println(line.toString().stripTrailing());
    }
  }

  /** "97.12% +- 0.45%". */
  private static String percent(MeanEstimate share) {
    return String.format(Locale.ROOT, "%.2f%% +- %.2f%%", 100 * share.mean(), 100 * share.halfWidth95());
  }

  /** Four decimals, or scientific notation for a diverged value that would print as dozens of digits. */
  static String number(double x) {
    return Math.abs(x) < 1e5 || !Double.isFinite(x)
        ? String.format(Locale.ROOT, "%.4f", x)
        : String.format(Locale.ROOT, "%.3e", x);
  }
}
