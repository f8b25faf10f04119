package io.metaspark.app.evaluate;

import io.metaspark.app.adapt.SavedModel;
import io.metaspark.app.config.ConfigError;
import io.metaspark.app.config.EvaluateSettings;
import io.metaspark.app.config.Job;
import io.metaspark.app.run.RunDirectory;
import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.task.image.ClassSplit;
import io.metaspark.spark.ModelFitCheck;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * A model's evaluation on the config's fresh test tasks, beside the baselines the config asks for
 * (evaluate.baselines), each adapted as the model is: printed as a table and written as JSON. What
 * train does at its end, and what evaluate does for any saved model.
 */
public final class ModelEvaluation {
  /** The meta-learned model's row group, before the baselines'. */
  public static final String META_LEARNED = "meta-learned";

  private final JavaSparkContext sc;
  private final Job job;
  private final PrintStream out;

  public ModelEvaluation(JavaSparkContext sc, Job job, PrintStream out) {
    this.sc = sc;
    this.job = job;
    this.out = out;
  }

  /** The evaluation file's content, and the warning if the model's adaptation diverged. */
  public record Result(Map<String, Object> document, Optional<String> divergence) {
    /** Throws {@link EvaluationDiverged} (exit code 4) if it diverged: call once the results are kept. */
    public void requireConverged() {
      if (divergence.isPresent()) {
        throw new EvaluationDiverged(divergence.get());
      }
    }
  }

  /**
   * The model with meta-parameters {@code meta}, adapted by {@code adaptation}, and the baselines
   * (the joint one kept in {@code run}'s joint/), written to {@code dir}/{@code file}.
   */
  public Result evaluate(ModelSpec model, Adaptation adaptation, double[] meta, RunDirectory run, RunDirectory dir,
      String file) throws IOException {
    AdaptationEvaluation evaluation = AdaptationEvaluation.run(sc, job, model, adaptation, meta);
    EvaluationTable table = new EvaluationTable(evaluation);
    new Baselines(sc, job, out).addTo(table, model, run, adaptation);
    table.print(out);
    table.write(dir, file);
    return new Result(table.document(), EvaluationDivergence.of(evaluation));
  }

  /**
   * A saved model, adapted as it was trained to, after checking that the config's tasks are there
   * and that the model fits them; the results go to its directory, beside it.
   */
  public Result evaluate(SavedModel saved, Adaptation adaptation, double[] meta, String file) throws IOException {
    prepareTestTasks();
    ModelSpec spec = saved.spec();
    requireFit(saved, adaptation, meta);
    // the run directory, which holds final/ and joint/: train and evaluate of a run share the joint network
    Result result = evaluate(spec, adaptation, meta, saved.dir().parent(), saved.dir(), file);
    out.printf("written: %s/%s%n", saved.dir(), file);
    return result;
  }

  /**
   * Saved models of one network as an ensemble ({@link AdaptationEvaluation#ensemble}), each adapted
   * as it was trained to, after checking that the config's tasks are there and that every member fits
   * them; the results go to {@code dir}, the directory that holds the members.
   */
  public Result evaluateEnsemble(RunDirectory dir, List<SavedModel> members, String file) throws IOException {
    if (!job.settings().evaluate().baselines().isEmpty()) {
      throw new ConfigError(EvaluateSettings.BASELINES.path() + " = " + job.settings().evaluate().baselines()
          + " is for one model: an ensemble's members adapt each their own way, so a baseline has no one way to"
          + " adapt as they do; evaluate the baselines beside one --model, or set evaluate.baselines=[]");
    }
    prepareTestTasks();
    ModelSpec spec = members.get(0).spec();
    List<Adaptation> adaptations = new ArrayList<>();
    double[][] metas = new double[members.size()][];
    List<String> names = new ArrayList<>();
    for (int i = 0; i < members.size(); i++) {
      SavedModel member = members.get(i);
      Adaptation adaptation = member.adaptation();
      metas[i] = member.meta();
      requireFit(member, adaptation, metas[i]);
      adaptations.add(adaptation);
      names.add(member.dir().root().getName());
    }
    AdaptationEvaluation evaluation = AdaptationEvaluation.ensemble(sc, job, spec, adaptations, metas);
    EvaluationTable table = new EvaluationTable(evaluation);
    table.note("ensemble", names);
    table.print(out);
    table.write(dir, file);
    out.printf("written: %s/%s%n", dir, file);
    return new Result(table.document(), EvaluationDivergence.of(evaluation));
  }

  /** The config's test tasks, prepared and checked to be there before any model is adapted to them. */
  private void prepareTestTasks() {
    job.prepareTasks(sc, out);
    job.checkTaskData(sc, List.of(job.taskFamily(ClassSplit.Part.TEST)));
  }

  private void requireFit(SavedModel saved, Adaptation adaptation, double[] meta) {
    Optional<String> misfit = ModelFitCheck.problem(sc, job.runner(saved.spec(), ClassSplit.Part.TEST), adaptation,
        meta);
    if (misfit.isPresent()) {
      throw new ConfigError("--model " + saved.dir() + " does not fit the tasks of the config: " + misfit.get());
    }
  }
}
