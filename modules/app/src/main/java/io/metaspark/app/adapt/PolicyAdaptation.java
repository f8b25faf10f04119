package io.metaspark.app.adapt;

import io.metaspark.app.config.ConfigError;
import io.metaspark.app.run.RunDirectory;
import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.algo.SteppedSgd;
import io.metaspark.core.rl.BernoulliBandit;
import io.metaspark.core.rl.Environment;
import io.metaspark.core.rl.EnvironmentFamily;
import io.metaspark.core.rl.EnvironmentTaskFamily;
import io.metaspark.core.rl.Navigation2d;
import io.metaspark.core.rl.PolicyGradientMaml;
import io.metaspark.core.task.Task;
import io.metaspark.core.task.TaskDescriptor;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * adapt for a policy: adapts a saved policy to one environment, given by its parameters (a
 * navigation goal, a bandit's arm probabilities) or drawn from a seed as training draws a task's,
 * by policy-gradient steps as it was trained to adapt (unless told another step count, step size
 * or trajectory count); prints the average return of each step's rollouts; saves the adapted
 * policy (network and log standard deviations) as a model train would export. Every option is
 * checked against the policy before anything is adapted or saved.
 */
public final class PolicyAdaptation {
  /**
   * What to adapt, to which environment, and where to: the options of {@code adapt}, named in its errors.
   *
   * @param seed the environment's seed (when neither goal nor arms is given, the environment is the
   *     one a task with this seed has) and its rollouts'; null for 0
   * @param goal a navigation goal (x, y), or null
   * @param arms a bandit's arm probabilities, or null
   * @param steps adaptation steps, or null for the policy's own
   * @param learningRate the step size, or null for the policy's own
   * @param stepSizes a step size for each step, the last for every later step (as evaluate.step-sizes), or null
   * @param trajectories rollouts per step, or null for the trajectories it was trained with ({@code tasks.support})
   */
  public record Request(String model, Long seed, double[] goal, double[] arms, Integer steps, Double learningRate,
      SteppedSgd stepSizes, Integer trajectories, String output) {}

  private final Request request;
  private final PrintStream out;

  public PolicyAdaptation(Request request, PrintStream out) {
    this.request = request;
    this.out = out;
  }

  public void run() throws IOException {
    SavedModel saved;
    try {
      saved = SavedModel.read(request.model(), new Configuration());
    } catch (IOException e) {
      throw new ConfigError("--model " + request.model() + ": " + e.getMessage(), e);
    }
    SavedPolicy policy;
    try {
      policy = SavedPolicy.of(saved);
    } catch (IllegalArgumentException e) {
      throw new ConfigError("--model " + request.model() + " " + e.getMessage() + (saved.card().policy() == null
          ? ": --seed, --goal, --arms and --trajectories adapt a policy; give a supervised model its task's examples"
          + " with --support or --support-images" : ""), e);
    }
    long seed = request.seed() == null ? 0 : request.seed();
    EnvironmentFamily environment = environment(policy.tasks().environments());
    Adaptation adaptation;
    try {
      adaptation = request.learningRate() == null ? saved.adaptation() : saved.adaptation(request.learningRate());
    } catch (IllegalArgumentException e) {
      throw new ConfigError("--model " + request.model() + ": " + e.getMessage(), e);
    }
    if (request.stepSizes() != null) {
      // a policy adapts by plain SGD, so only its rate changes, step by step
      adaptation = new Adaptation(request.stepSizes(), adaptation.steps());
    }
    PolicyGradientMaml algorithm = policy.adaptingIn(environment, adaptation);
    int steps = request.steps() == null ? adaptation.steps() : request.steps();
    int trajectories = request.trajectories() == null ? policy.tasks().rollouts().supportTrajectories()
        : request.trajectories();
    EnvironmentTaskFamily tasks = new EnvironmentTaskFamily(environment, policy.tasks().rollouts());
    Task task = tasks.open(new TaskDescriptor(-1, 0, seed), DataType.DOUBLE);
    String instance = instance(environment.create(seed));
    out.printf(Locale.ROOT, "adapting %s (%s policy) to %s (seed %d): %d step(s) %s, %d trajectories each%n",
        saved.dir(), policy.policy().distribution(), instance, seed, steps, adaptation.rule().describe(),
        trajectories);

    double[] returns = new double[steps + 1];
    double[] adapted = algorithm.adapt(saved.spec().newLearner(), policy.meta(), task, steps, trajectories, returns);
    out.printf(Locale.ROOT, "%6s  %15s%n", "steps", "average return");
    for (int s = 0; s <= steps; s++) {
      out.printf(Locale.ROOT, "%6d  %15.2f%n", s, returns[s]);
    }
    out.printf(Locale.ROOT, "average return %.2f before, %.2f after %d step(s)%n", returns[0], returns[steps], steps);

    double[] network = algorithm.networkPart(adapted);
    Map<String, Object> how = new LinkedHashMap<>();
    how.put("environment", instance);
    how.put("seed", seed);
    how.put("steps", steps);
    how.put("lr", adaptation.rule().learningRate());
    if (request.stepSizes() != null) {
      how.put("step_sizes", request.stepSizes().rates());
    }
    how.put("trajectories", trajectories);
    how.put("returns", returns);
    PolicyCard adaptedPolicy = policy.policy().adapted(Arrays.copyOfRange(adapted, network.length, adapted.length),
        environment.describe(), how);
    RunDirectory dir = RunDirectory.openOrCreate(request.output(), new Configuration());
    ModelExport.write(dir, saved.spec(), network, saved.card().adaptedPolicy(Instant.now().toString(), adaptedPolicy));
    out.printf("adapted policy: %s/%s and %s%n", dir, ModelExport.MODEL, ModelExport.FACTS);
  }

  /** The environment to adapt to: the one the options give, of the family the policy was trained on. */
  private EnvironmentFamily environment(EnvironmentFamily trained) {
    if (request.goal() != null && request.arms() != null) {
      throw new ConfigError("--goal and --arms describe environments of different families: give one");
    }
    try {
      if (request.goal() != null) {
        if (!(trained instanceof Navigation2d navigation)) {
          throw new ConfigError("--goal places a navigation-2d goal, but --model " + request.model() + " is a policy"
              + " for " + trained.describe() + (trained instanceof BernoulliBandit ? ": give its arms with --arms"
              : ""));
        }
        if (request.goal().length != 2) {
          throw new ConfigError("--goal takes x,y, got " + request.goal().length + " values: "
              + joined(request.goal()));
        }
        return navigation.withGoal(request.goal()[0], request.goal()[1]);
      }
      if (request.arms() != null) {
        if (!(trained instanceof BernoulliBandit bandit)) {
          throw new ConfigError("--arms gives a bandit's arm probabilities, but --model " + request.model()
              + " is a policy for " + trained.describe() + (trained instanceof Navigation2d
              ? ": give its goal with --goal" : ""));
        }
        return bandit.withProbabilities(request.arms());
      }
    } catch (IllegalArgumentException e) {
      double[] given = request.goal() != null ? request.goal() : request.arms();
      throw new ConfigError((request.goal() != null ? "--goal " : "--arms ") + joined(given) + ": " + e.getMessage()
          + " (--model " + request.model() + " is a policy for " + trained.describe() + ")", e);
    }
    return trained;
  }

  private static String joined(double[] values) {
    return String.join(",", Arrays.stream(values).mapToObj(String::valueOf).toList());
  }

  /** The environment in words: its goal or its arms. */
  private static String instance(Environment environment) {
    if (environment instanceof Navigation2d.Point point) {
      double[] goal = point.goal();
      return String.format(Locale.ROOT, "navigation-2d with its goal at (%s, %s)", goal[0], goal[1]);
    }
    if (environment instanceof BernoulliBandit.Arms arms) {
      return "a bandit with arm probabilities " + Arrays.toString(arms.probabilities());
    }
    return environment.getClass().getSimpleName();
  }
}
