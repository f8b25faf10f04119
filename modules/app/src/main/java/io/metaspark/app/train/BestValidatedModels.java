package io.metaspark.app.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.metaspark.app.evaluate.AdaptationEvaluation;
import io.metaspark.app.run.RunDirectory;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

/**
 * The models of the best validations so far ({@code validate.keep-best}), each exported as train
 * exports its final model, in {@code <run>/best/iteration-<t>/}: what the MAML++ code takes its test
 * figure from (its five best-validation epochs' models, predictions averaged), and what
 * {@code evaluate --model <run>/best} evaluates as one ensemble.
 *
 * <p>A validation ranks by its query accuracy after the algorithm's own inner-step count
 * (classification), else by its query loss there, to 12 decimals; a tie goes to the later model.
 * The ranking lives in the directories (each one's {@value #RANKING}, written after its model), so
 * a resumed run carries it on: it drops the models of iterations it will train again, which it
 * validates again.
 */
final class BestValidatedModels {
  static final String DIR = "best";
  static final String RANKING = "validation.json";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Writes the model of meta-parameters {@code params} after {@code iteration} iterations into {@code dir}. */
  @FunctionalInterface
  interface Export {
    void write(RunDirectory dir, double[] params, long iteration, Map<String, Object> validation) throws IOException;
  }

  private record Kept(long iteration, double score, String name) {}

  private static final Comparator<Kept> BEST_FIRST = Comparator.comparingDouble(Kept::score).reversed()
      .thenComparing(Comparator.comparingLong(Kept::iteration).reversed());

  private final RunDirectory best;
  private final int keep;
  private final int rankedSteps;
  private final Export export;
  private final List<Kept> kept = new ArrayList<>();

  /**
   * The models kept in {@code run}'s best/ up to iteration {@code resumedAt} (later ones, and any left
   * without a ranking by a crash, are deleted), to which validations are offered.
   *
   * @param rankedSteps the inner-step count whose validation row ranks the models
   */
  BestValidatedModels(RunDirectory run, int keep, int rankedSteps, long resumedAt, Export export) throws IOException {
    this.best = run.child(DIR);
    this.keep = keep;
    this.rankedSteps = rankedSteps;
    this.export = export;
    for (FileStatus child : best.fs().listStatus(best.root())) {
      if (!child.isDirectory()) {
        continue;
      }
      Path ranking = new Path(child.getPath(), RANKING);
      Kept one = best.fs().exists(ranking) ? read(ranking, child.getPath().getName()) : null;
      if (one == null || one.iteration() > resumedAt) {
        best.fs().delete(child.getPath(), true);
      } else {
        kept.add(one);
      }
    }
    prune();
  }

  private Kept read(Path ranking, String name) throws IOException {
    try (InputStream in = best.fs().open(ranking)) {
      JsonNode json = JSON.readTree(in);
      return new Kept(json.get("iteration").asLong(), json.get("score").asDouble(), name);
    }
  }

  /** Keeps the model after {@code iteration} iterations if its validation ranks among the best. */
  void offer(long iteration, double[] params, AdaptationEvaluation validation) throws IOException {
    int row = rowOf(validation);
    boolean byAccuracy = validation.classification();
    double mean = byAccuracy ? validation.estimate().accuracies()[row].mean()
        : -validation.estimate().losses()[row].mean();
    // equal accuracies summed from different tasks' shares differ in the last bits: round them equal
    double score = Math.rint(mean * 1e12) / 1e12;
    String name = String.format(Locale.ROOT, "iteration-%012d", iteration);
    kept.removeIf(k -> k.name().equals(name));
    Kept candidate = new Kept(iteration, Double.isFinite(score) ? score : Double.NEGATIVE_INFINITY, name);
    if (kept.size() >= keep && BEST_FIRST.compare(candidate, kept.stream().max(BEST_FIRST).orElseThrow()) > 0) {
      return;
    }
    Path target = best.path(name);
    if (best.fs().exists(target)) {
      best.fs().delete(target, true);
    }
    RunDirectory dir = best.child(name);
    Map<String, Object> facts = new LinkedHashMap<>();
    facts.put("iteration", iteration);
    facts.put("ranked_by", (byAccuracy ? "query_accuracy" : "minus query_loss") + " after " + rankedSteps
        + (rankedSteps == 1 ? " step" : " steps"));
    facts.put("score", candidate.score());
    facts.put("tasks", validation.tasks());
    facts.put("seed", validation.seed());
    facts.put("results", validation.rows());
    export.write(dir, params, iteration, facts);
    dir.writeString(RANKING, JSON.writeValueAsString(facts));
    kept.add(candidate);
    prune();
  }

  private int rowOf(AdaptationEvaluation validation) {
    int[] steps = validation.steps();
    for (int i = 0; i < steps.length; i++) {
      if (steps[i] == rankedSteps) {
        return i;
      }
    }
    if (steps.length == 1) {
      return 0; // prototypes: one row, taken at no steps
    }
    throw new IllegalStateException("the validation has no row after " + rankedSteps + " steps to rank by");
  }

  /** Deletes the models past the {@code keep} best. */
  private void prune() throws IOException {
    kept.sort(BEST_FIRST);
    while (kept.size() > keep) {
      Kept worst = kept.remove(kept.size() - 1);
      best.fs().delete(best.path(worst.name()), true);
    }
  }
}
