package io.metaspark.spark;

import java.util.Locale;
import org.apache.spark.SparkContext;

/**
 * The {@link ExecutionMode} a run uses, and why. {@link ExecutionMode#AUTO} takes barrier mode
 * where it is safe, since it saves Spark's job cost on every iteration: where all partitions can
 * run at once for the whole run (local[N] with N at least the partitions, a cluster with static
 * allocation and enough slots), and jobs mode elsewhere (with dynamic allocation, executors come
 * and go under a stage that needs them all at once). Both give the same parameters bit for bit.
 */
public record ModeChoice(ExecutionMode mode, String reason) {
  static ModeChoice of(ExecutionMode requested, SparkContext spark, int partitions) {
    if (requested != ExecutionMode.AUTO) {
      return new ModeChoice(requested, "set by spark.mode");
    }
    if (spark.getConf().getBoolean("spark.dynamicAllocation.enabled", false)) {
      return new ModeChoice(ExecutionMode.JOBS,
          "auto: dynamic allocation is on, and a barrier stage needs all its tasks at once");
    }
    int slots = TaskSlots.awaiting(spark, partitions);
    if (slots >= partitions) {
      return new ModeChoice(ExecutionMode.BARRIER,
          String.format(Locale.ROOT, "auto: all %d partitions run at once in %d task slots", partitions, slots));
    }
    return new ModeChoice(ExecutionMode.JOBS,
        String.format(Locale.ROOT, "auto: %d task slots for %d partitions, too few to run them at once", slots,
            partitions));
  }

  /** How a run's first lines say it: {@code barrier (auto: ...)}. */
  @Override
  public String toString() {
    return mode.configName() + " (" + reason + ")";
  }
}
