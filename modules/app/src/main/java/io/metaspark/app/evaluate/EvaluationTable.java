package io.metaspark.app.evaluate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.metaspark.app.run.RunDirectory;
import java.io.IOException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The meta-learned model's evaluation beside its baselines' (evaluate.baselines), all on the same
 * test tasks and step counts: one row group per model on the console, and in the evaluation file the
 * meta-learned model's rows under {@code results} (as without baselines) and each baseline's under
 * {@code baselines.<name>.results}.
 */
final class EvaluationTable {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final AdaptationEvaluation metaLearned;
  private final Map<String, AdaptationEvaluation> baselines = new LinkedHashMap<>();
  private final Map<String, Map<String, Object>> baselineFacts = new LinkedHashMap<>();
  private final Map<String, Object> notes = new LinkedHashMap<>();

  EvaluationTable(AdaptationEvaluation metaLearned) {
    this.metaLearned = metaLearned;
  }

  /** A baseline's rows, and facts about how it was made (for the evaluation file). */
  void add(String name, AdaptationEvaluation evaluation, Map<String, Object> facts) {
    baselines.put(name, evaluation);
    baselineFacts.put(name, facts);
  }

  /** A fact about the evaluated model, printed first and written beside the results (an ensemble's members). */
  void note(String name, Object value) {
    notes.put(name, value);
  }

  void print(PrintStream out) {
    notes.forEach((name, value) -> out.printf(Locale.ROOT, "%s: %s%n", name, value));
    // prototypes (protonet) take no steps, and have no step size
    out.printf(Locale.ROOT, "evaluation: %d fresh tasks (seed %d), %s%s%n", metaLearned.tasks(),
        metaLearned.seed(), metaLearned.innerLearningRate() > 0 ? "inner lr " + metaLearned.innerLearningRate()
            : "classes by prototypes, no inner steps",
        metaLearned.classification() ? "; precision, recall, F1: macro averages over the classes" : "");
    if (baselines.isEmpty()) {
      out.println("  " + metaLearned.header());
      metaLearned.printRows(out, "");
      return;
    }
    int width = ModelEvaluation.META_LEARNED.length();
    for (String name : baselines.keySet()) {
      width = Math.max(width, name.length());
    }
    String column = "%-" + (width + 2) + "s";
    out.println("  " + String.format(Locale.ROOT, column, "model") + metaLearned.header());
    metaLearned.printRows(out, String.format(Locale.ROOT, column, ModelEvaluation.META_LEARNED));
    baselines.forEach((name, evaluation) -> evaluation.printRows(out, String.format(Locale.ROOT, column, name)));
  }

  /** The file's content: tasks, seed, inner_lr, results and, with baselines, baselines. */
  Map<String, Object> document() {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("tasks", metaLearned.tasks());
    doc.put("seed", metaLearned.seed());
    doc.put("inner_lr", metaLearned.innerLearningRate());
    doc.putAll(notes);
    doc.put("results", metaLearned.rows());
    if (!baselines.isEmpty()) {
      Map<String, Object> all = new LinkedHashMap<>();
      baselines.forEach((name, evaluation) -> {
        Map<String, Object> one = new LinkedHashMap<>(baselineFacts.get(name));
        one.put("results", evaluation.rows());
        all.put(name, one);
      });
      doc.put("baselines", all);
    }
    return doc;
  }

  void write(RunDirectory dir, String name) throws IOException {
    dir.writeString(name, JSON.writeValueAsString(document()));
  }
}
