package io.metaspark.app.evaluate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.metaspark.app.adapt.SavedPolicy;
import io.metaspark.app.config.ConfigError;
import io.metaspark.app.config.EvaluateSettings;
import io.metaspark.app.config.Job;
import io.metaspark.app.config.TaskSettings;
import io.metaspark.app.run.RunDirectory;
import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.algo.SteppedSgd;
import io.metaspark.core.algo.UpdateRule;
import io.metaspark.core.eval.MeanEstimate;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.rl.BanditStrategy;
import io.metaspark.core.rl.BernoulliBandit;
import io.metaspark.core.rl.EnvironmentTaskFamily;
import io.metaspark.core.rl.PolicyGradientAlgorithm;
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
 * What train does at its end for maml-rl, fomaml-rl and reptile-rl, whose "losses" are not supervised ones.
 *
 * <p>On bandits, the classical strategies play the same bandits in the same evaluation, as many
 * episodes per task as the policy plays per step: UCB1 at Auer et al.'s c = 1 and at c = 0.2 (the
 * tuned constant RL^2's comparison uses), and Thompson sampling.
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

  /**
   * A saved policy on a config's environments: the algorithm that adapts it as it was trained to,
   * and the fresh tasks it is evaluated on. The environments are the config's (which must be of
   * the kind the policy acts in); how it adapts in them (discount, GAE) is the policy's own.
   */
  public record SavedOnTasks(SavedPolicy policy, PolicyGradientAlgorithm algorithm, EnvironmentTaskFamily tasks) {
    /** Checked before Spark starts: a config of other tasks is a ConfigError naming both. */
    public static SavedOnTasks of(Job job, SavedPolicy saved) {
      String dir = saved.model().dir().toString();
      if (!(job.taskFamily(ClassSplit.Part.TEST) instanceof EnvironmentTaskFamily configured)) {
        throw new ConfigError("--model " + dir + " is a policy for " + saved.tasks().environments().describe()
            + ": evaluate it with a config of environment tasks (" + TaskSettings.FAMILY.path() + " = "
            + saved.policy().settings().get(TaskSettings.FAMILY.path()) + "), not " + TaskSettings.FAMILY.path()
            + " = " + job.values().get(TaskSettings.FAMILY));
      }
      try {
        return new SavedOnTasks(saved, saved.adaptingIn(configured.environments(), saved.model().adaptation()),
            new EnvironmentTaskFamily(configured.environments(), saved.tasks().rollouts()));
      } catch (IllegalArgumentException e) {
        throw new ConfigError("--model " + dir + " " + e.getMessage() + ", which the config's tasks are", e);
      }
    }
  }

  /** A saved policy on the config's environments; the results go to its directory, beside it. */
  public Map<String, Object> evaluate(SavedOnTasks saved, String file) throws IOException {
    RunDirectory dir = saved.policy().model().dir();
    Map<String, Object> document = evaluate(saved.algorithm(), saved.policy().model().spec(), saved.tasks(),
        saved.policy().meta(), dir, file);
    out.printf("written: %s/%s%n", dir, file);
    return document;
  }

  /**
   * Evaluates {@code algorithm}'s policy over {@code network} with meta-parameters {@code meta} on
   * fresh tasks of {@code family}, prints the table, writes it to {@code dir}/{@code file} and returns it.
   */
  public Map<String, Object> evaluate(PolicyGradientAlgorithm algorithm, ModelSpec network,
      EnvironmentTaskFamily family, double[] meta, RunDirectory dir, String file) throws IOException {
    EvaluateSettings settings = job.settings().evaluate();
    List<TaskDescriptor> tasks = TaskSampler.evaluationTasks(settings.seed(), settings.tasks());
    Returns returns = measure(algorithm, network, family, meta, tasks, settings.seed());
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("tasks", tasks.size());
    document.put("seed", settings.seed());
    document.put("trajectories_per_step", returns.trajectories());
    document.put("step_sizes", returns.stepSizes());
    out.printf(Locale.ROOT, "evaluation: %d fresh tasks (seed %d), %d trajectories per step, %s%n", tasks.size(),
        settings.seed(), returns.trajectories(), returns.rule().describe());
    out.printf(Locale.ROOT, "%6s  %15s  %10s%n", "steps", "average return", "95% CI");
    List<Map<String, Object>> rows = returns.rows();
    for (Map<String, Object> row : rows) {
      out.printf(Locale.ROOT, "%6d  %15.2f  %10s%n", row.get("steps"), row.get("average_return"),
          String.format(Locale.ROOT, "± %.2f", row.get("ci95")));
    }
    document.put("returns", rows);
    if (family.environments() instanceof BernoulliBandit bandits) {
      document.put("baselines", banditBaselines(bandits, tasks, returns.trajectories()));
    }
    dir.writeString(file, JSON.writeValueAsString(document));
    return document;
  }

  /**
   * The policy's average return on {@code count} held-out tasks of {@code family} drawn from
   * {@code seed}, after each of evaluate.steps steps of evaluate.trajectories trajectories: what
   * validation during training logs.
   */
  public Returns measure(PolicyGradientAlgorithm algorithm, ModelSpec network, EnvironmentTaskFamily family,
      double[] meta, long seed, int count) {
    return measure(algorithm, network, family, meta, TaskSampler.evaluationTasks(seed, count), seed);
  }

  private Returns measure(PolicyGradientAlgorithm trained, ModelSpec network, EnvironmentTaskFamily family,
      double[] meta, List<TaskDescriptor> tasks, long seed) {
    PolicyGradientAlgorithm algorithm = atEvaluationStepSizes(trained);
    int trajectories = job.values().get(EvaluateSettings.TRAJECTORIES);
    int[] steps = job.settings().evaluate().steps().stream().mapToInt(Integer::intValue).sorted().toArray();
    TaskRunner runner = new TaskRunner(network, family, algorithm, job.learner());
    List<double[]> returns = sc.parallelize(tasks, job.settings().spark().partitions()).map(descriptor ->
        algorithm.returnsAfter(ThreadLearners.forCurrentThread(runner.model(), runner.learner()), meta,
            runner.family().open(descriptor, DataType.DOUBLE), steps, trajectories)).collect();
    MeanEstimate[] estimates = new MeanEstimate[steps.length];
    for (int i = 0; i < steps.length; i++) {
      int step = i;
      estimates[i] = MeanEstimate.of(returns.stream().mapToDouble(r -> r[step]).toArray());
    }
    return new Returns(tasks.size(), seed, trajectories, steps, estimates, algorithm.adaptation().rule());
  }

  /**
   * {@code trained}'s policy adapting by evaluate.step-sizes when they are set (the MAML code tests
   * navigation at 0.5 and then 0.25), else by its own steps. Only the rate changes: the same
   * policy, rollouts and vanilla policy-gradient steps.
   */
  private PolicyGradientAlgorithm atEvaluationStepSizes(PolicyGradientAlgorithm trained) {
    List<Double> sizes = job.values().get(EvaluateSettings.STEP_SIZES);
    if (sizes.isEmpty()) {
      return trained;
    }
    Adaptation adaptation = new Adaptation(new SteppedSgd(sizes.stream().mapToDouble(Double::doubleValue).toArray()),
        trained.adaptation().steps());
    return new PolicyGradientMaml(adaptation, trained.observationSize(), trained.actionSpace(), trained.initialLogStd(),
        false);
  }

  /** The average return after each step count over some tasks, with its 95% interval. */
  public record Returns(int tasks, long seed, int trajectories, int[] steps, MeanEstimate[] estimates,
      UpdateRule rule) {
    /** The step sizes, step by step (the last for every later step): evaluation.json's {@code step_sizes}. */
    public double[] stepSizes() {
      return rule instanceof SteppedSgd stepped ? stepped.rates() : new double[] {rule.learningRate()};
    }

    /** Rows of {steps, average_return, ci95}: evaluation.json's {@code returns}, and validation's. */
    public List<Map<String, Object>> rows() {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (int i = 0; i < steps.length; i++) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("steps", steps[i]);
        row.put("average_return", estimates[i].mean());
        // one task has no spread to estimate: no interval, rather than a zero-width one
        row.put("ci95", tasks < 2 ? Double.NaN : estimates[i].halfWidth95());
        rows.add(row);
      }
      return rows;
    }

    /** One line for the console: "validation average return (n tasks): 0 steps -40.12 +- 2.01 | 1 step ...". */
    public String summary(String label) {
      StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%s average return (%d tasks):", label, tasks));
      for (int i = 0; i < steps.length; i++) {
        b.append(String.format(Locale.ROOT, "%s %d step%s %.2f +- %.2f", i == 0 ? "" : " |", steps[i],
            steps[i] == 1 ? "" : "s", estimates[i].mean(), estimates[i].halfWidth95()));
      }
      return b.toString();
    }
  }

  /** The classical strategies' average total reward on the evaluation's own bandits (cheap: on the driver). */
  private List<Map<String, Object>> banditBaselines(BernoulliBandit bandits, List<TaskDescriptor> tasks, int episodes) {
    List<BanditStrategy> strategies = List.of(BanditStrategy.ucb1(1), BanditStrategy.ucb1(0.2), BanditStrategy.thompson());
    List<Map<String, Object>> rows = new ArrayList<>();
    out.printf(Locale.ROOT, "the same %d bandits, %d episodes each:%n", tasks.size(), episodes);
    for (int s = 0; s < strategies.size(); s++) {
      BanditStrategy strategy = strategies.get(s);
      double[] totals = new double[tasks.size()];
      for (int t = 0; t < totals.length; t++) {
        long seed = tasks.get(t).seed();
        // each strategy's own draws, apart from the policy's and from each other's
        totals[t] = strategy.averageTotal(bandits.create(seed), bandits.horizon(), episodes, seed * 31 + s + 1);
      }
      MeanEstimate estimate = MeanEstimate.of(totals);
      double halfWidth = totals.length < 2 ? Double.NaN : estimate.halfWidth95();
      out.printf(Locale.ROOT, "%22s  %15.2f  %10s%n", strategy.name(), estimate.mean(),
          String.format(Locale.ROOT, "± %.2f", halfWidth));
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("strategy", strategy.name());
      row.put("average_return", estimate.mean());
      row.put("ci95", halfWidth);
      rows.add(row);
    }
    return rows;
  }
}
