package io.metaspark.spark;

import java.util.Locale;
import org.apache.spark.SparkContext;

/**
 * The {@link ExecutionMode} a run uses, and why. {@link ExecutionMode#AUTO} takes barrier mode
 * where it is safe, since it saves Spark's job cost on every iteration: where all partitions can
 * run at once for the whole run, which only local[N] (N at least the partitions) guarantees. On a
 * cluster an executor can be lost mid-run (a worker dies, a node is preempted, dynamic allocation
 * takes it back): jobs mode then goes on with the executors left, where a barrier stage, which
 * needs all its tasks at once, waits for slots that may not come back (StandaloneClusterIT kills
 * a worker mid-run). A cluster user who accepts that sets {@code spark.mode = barrier}. Both modes
 * give the same parameters bit for bit.
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
    if (!spark.isLocal()) {
      return new ModeChoice(ExecutionMode.JOBS, "auto: on a cluster an executor lost mid-run would stall a barrier"
          + " stage, where jobs mode goes on without it (spark.mode = barrier chooses it anyway)");
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
