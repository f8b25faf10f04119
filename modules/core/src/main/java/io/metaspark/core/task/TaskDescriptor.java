package io.metaspark.core.task;

import java.io.Serializable;

/**
 * What the driver ships for one task: never the data, only what the data is derived from.
 *
 * @param iteration the meta-iteration the task belongs to (negative for evaluation streams)
 * @param index the task's position in its meta-batch; results are combined in no particular
 *     order, so this is for reproducing a task, not for ordering
 * @param seed the task's own seed, derived from (run seed, iteration, index) by {@link TaskSeeds}
 */
public record TaskDescriptor(long iteration, int index, long seed) implements Serializable {
  @Override
  public String toString() {
    return "task(iteration=" + iteration + ", index=" + index + ", seed=" + seed + ")";
  }
}
