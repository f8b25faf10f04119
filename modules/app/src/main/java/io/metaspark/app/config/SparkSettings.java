package io.metaspark.app.config;

import io.metaspark.spark.ExecutionMode;
import io.metaspark.spark.TrainingPlan;
import java.util.List;
import java.util.Map;

/** {@code spark}: the Spark a job starts, and how meta-iterations are laid out on it. */
public record SparkSettings(String master, String appName, int partitions, int treeDepth, ExecutionMode mode,
    Map<String, String> conf) {
  public static final Key<String> MASTER = Key.trimmed("spark.master", "local[2]",
      "used when neither --master nor spark-submit sets spark.master").check(Check.nonEmpty()).changeableOnResume();
  public static final Key<String> APP_NAME = Key.trimmed("spark.app-name", "metaspark", "the Spark application's name")
      .check(Check.nonEmpty()).changeableOnResume();
  public static final Key<Integer> PARTITIONS = Key.integer("spark.partitions", 2,
      "Spark partitions per meta-iteration (tasks are split evenly over them)").check(Check.atLeast(1))
      .changeableOnResume();
  public static final Key<Integer> TREE_DEPTH = Key.parsed("spark.tree-depth", TrainingPlan.AUTO_TREE_DEPTH,
      SparkSettings::treeDepth, depth -> depth == TrainingPlan.AUTO_TREE_DEPTH ? "auto" : Integer.toString(depth),
      "how partitions' sums are merged in jobs mode: 1 = on the driver as they arrive; 2 or more = treeAggregate of "
      + "that depth; auto = 1 up to 32 partitions, then the least depth merging at most 32 sums at a time")
      .changeableOnResume();
  public static final Key<ExecutionMode> MODE = Key.parsed("spark.mode", ExecutionMode.AUTO, text -> {
    try {
      return ExecutionMode.named(text.trim().toLowerCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigError("spark.mode must be auto, jobs or barrier, got '" + text + "'");
    }
  }, ExecutionMode::configName,
      "auto = barrier where all partitions can run at once (local[N], static allocation), else jobs; "
      + "jobs = one Spark job per meta-iteration; barrier = one barrier stage per stretch of iterations. Same results")
      .changeableOnResume();
  public static final Key<Map<String, String>> CONF = Key.properties("spark.conf",
      "any Spark property; spark-submit --conf wins over these").changeableOnResume();
  static final List<Key<?>> KEYS = List.of(MASTER, APP_NAME, PARTITIONS, TREE_DEPTH, MODE, CONF);

  private static int treeDepth(String text) {
    String t = text.trim();
    if (t.equals("auto")) {
      return TrainingPlan.AUTO_TREE_DEPTH;
    }
    try {
      int depth = Integer.parseInt(t);
      if (depth >= 1) {
        return depth;
      }
    } catch (NumberFormatException e) {
      // reported below, with the value
    }
    throw new IllegalArgumentException("must be auto or a depth of at least 1, got '" + text + "'");
  }

  static SparkSettings read(Values v) {
    return new SparkSettings(v.get(MASTER), v.get(APP_NAME), v.get(PARTITIONS), v.get(TREE_DEPTH), v.get(MODE),
        v.get(CONF));
  }
}
