package io.metaspark.app.config;

import io.metaspark.spark.JointTrainer;
import java.util.List;
import java.util.Locale;

/**
 * {@code evaluate}: the final evaluation on fresh test tasks, and the baselines evaluated beside
 * the meta-learned model.
 *
 * @param steps adaptation step counts the query loss is measured after
 * @param baselines scratch and/or joint, in the order listed
 */
public record EvaluateSettings(int tasks, List<Integer> steps, long seed, boolean afterTrain, List<String> baselines,
    Joint joint) {
  /** The baselines there are. */
  public static final String SCRATCH = "scratch";
  public static final String JOINT = "joint";

  public static final Key<Integer> TASKS = Key.integer("evaluate.tasks", 600,
      "fresh test tasks, from a seed and stream training never uses").check(Check.atLeast(2)).changeableOnResume();
  public static final Key<List<Integer>> STEPS = Key.integers("evaluate.steps", List.of(0, 1, 10),
      "the adaptation step counts after which the query loss is measured")
      .check((path, steps) -> steps.isEmpty() ? path + " must list at least one step count" : null)
      .check((path, steps) -> steps.stream().filter(s -> s < 0).findFirst()
          .map(s -> path + " must be >= 0, got " + s).orElse(null))
      .changeableOnResume();
  public static final Key<Long> SEED = Key.longInteger("evaluate.seed", 7, "the test tasks' seed")
      .changeableOnResume();
  public static final Key<Boolean> AFTER_TRAIN = Key.flag("evaluate.after-train", true,
      "evaluate the final model at the end of train").changeableOnResume();
  public static final Key<List<String>> BASELINES = Key.strings("evaluate.baselines", List.of(),
      "models evaluated beside the meta-learned one, on the same tasks: scratch and/or joint")
      .check((path, names) -> names.stream().map(EvaluateSettings::normalized)
          .filter(n -> !n.equals(SCRATCH) && !n.equals(JOINT)).findFirst()
          .map(n -> path + ": unknown baseline '" + n + "'; expected scratch or joint").orElse(null))
      .check((path, names) -> names.stream().map(EvaluateSettings::normalized).distinct().count() != names.size()
          ? path + " lists a baseline twice: " + names.stream().map(EvaluateSettings::normalized).toList() : null)
      .changeableOnResume();
  public static final Key<Integer> JOINT_TASKS = Key.integer("evaluate.joint.tasks", 1000,
      "the joint baseline pools the first this-many meta-training tasks' examples").check(Check.atLeast(1))
      .changeableOnResume();
  public static final Key<Integer> JOINT_EPOCHS = Key.integer("evaluate.joint.epochs", 10,
      "passes over the pooled examples").check(Check.atLeast(1)).changeableOnResume();
  public static final Key<Integer> JOINT_BATCH_SIZE = Key.integer("evaluate.joint.batch-size", 50,
      "examples per minibatch on each worker").check(Check.atLeast(1)).changeableOnResume();
  public static final Key<Double> JOINT_LR = Key.number("evaluate.joint.lr", 0.001,
      "the joint baseline's Adam learning rate").check(Check.positive()).changeableOnResume();
  public static final Key<Integer> JOINT_AVERAGING_FREQUENCY = Key.integer("evaluate.joint.averaging-frequency", 10,
      "minibatches each worker fits between two averagings of the parameters").check(Check.atLeast(1))
      .changeableOnResume();
  public static final Key<Integer> TRAJECTORIES = Key.integer("evaluate.trajectories", 40,
      "environment tasks: trajectories rolled out for each adaptation step (the MAML paper tests with 40)")
      .check(Check.atLeast(1)).changeableOnResume();
  public static final Key<List<Double>> STEP_SIZES = Key.numbers("evaluate.step-sizes", List.of(),
      "environment tasks: the policy-gradient step sizes of evaluation's steps 1, 2, ... (the last repeats);"
      + " empty = the policy's own inner rate")
      .check((path, sizes) -> sizes.stream().filter(r -> !(r > 0) || !Double.isFinite(r)).findFirst()
          .map(r -> path + " must be positive numbers, got " + r).orElse(null))
      .changeableOnResume();
  static final List<Key<?>> KEYS = List.of(TASKS, STEPS, SEED, AFTER_TRAIN, BASELINES, JOINT_TASKS, JOINT_EPOCHS,
      JOINT_BATCH_SIZE, JOINT_LR, JOINT_AVERAGING_FREQUENCY, TRAJECTORIES, STEP_SIZES);

  /** {@code evaluate.joint}: the joint baseline's pooled tasks and its training. */
  public record Joint(int tasks, JointTrainer.Settings training) {}

  static EvaluateSettings read(Values v) {
    return new EvaluateSettings(v.get(TASKS), v.get(STEPS), v.get(SEED), v.get(AFTER_TRAIN),
        v.get(BASELINES).stream().map(EvaluateSettings::normalized).toList(),
        new Joint(v.get(JOINT_TASKS), new JointTrainer.Settings(v.get(JOINT_EPOCHS), v.get(JOINT_BATCH_SIZE),
            v.get(JOINT_LR), v.get(JOINT_AVERAGING_FREQUENCY))));
  }

  /** The step counts as an array, ascending as listed. */
  public int[] stepCounts() {
    return steps.stream().mapToInt(Integer::intValue).toArray();
  }

  private static String normalized(String name) {
    return name.trim().toLowerCase(Locale.ROOT);
  }
}
