package io.metaspark.spark;

import java.util.Arrays;
import java.util.Locale;

/**
 * How meta-iterations are laid out on Spark.
 *
 * <p>{@link #JOBS}: one Spark job per iteration. Spark retries a failed task alone, and any number
 * of partitions fits on any cluster, but every iteration pays Spark's fixed job cost.
 *
 * <p>{@link #BARRIER}: one barrier stage per segment of iterations (up to the next iteration the
 * driver must act on: a log line, a checkpoint, a validation). Its tasks keep the training state,
 * exchange partial sums each iteration and apply the same update, so the job cost is paid once per
 * segment; but a failed task reruns the whole segment, and all partitions must run at once.
 *
 * <p>{@link #AUTO}: barrier mode where all partitions can run at once, jobs mode elsewhere
 * ({@link ModeChoice}).
 */
public enum ExecutionMode {
  JOBS,
  BARRIER,
  AUTO;

  /** The config spelling: {@code jobs}, {@code barrier} or {@code auto}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static ExecutionMode named(String name) {
    return Arrays.stream(values()).filter(m -> m.configName().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown mode '" + name + "' (auto, jobs or barrier)"));
  }
}
