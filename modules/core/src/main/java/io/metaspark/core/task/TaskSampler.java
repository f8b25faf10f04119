package io.metaspark.core.task;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds meta-batches of task descriptors. Training tasks of iteration {@code t >= 0} and
 * evaluation tasks (stream {@link #EVALUATION_STREAM}) never share a seed.
 */
public final class TaskSampler implements Serializable {
  /** The pseudo-iteration evaluation tasks are drawn from; training iterations are >= 0. */
  public static final long EVALUATION_STREAM = -1;

  private final long runSeed;

  public TaskSampler(long runSeed) {
    this.runSeed = runSeed;
  }

  public List<TaskDescriptor> metaBatch(long iteration, int size) {
    if (iteration < 0) {
      throw new IllegalArgumentException("iteration must be >= 0, got " + iteration);
    }
    return tasks(iteration, size);
  }

  /** Fresh tasks for evaluation, drawn from {@code evaluationSeed} on a stream training never uses. */
  public static List<TaskDescriptor> evaluationTasks(long evaluationSeed, int count) {
    return new TaskSampler(evaluationSeed).tasks(EVALUATION_STREAM, count);
  }

  private List<TaskDescriptor> tasks(long iteration, int size) {
    if (size <= 0) {
      throw new IllegalArgumentException("a meta-batch needs at least one task, got " + size);
    }
    List<TaskDescriptor> batch = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      batch.add(new TaskDescriptor(iteration, i, TaskSeeds.of(runSeed, iteration, i)));
    }
    return batch;
  }

  public long runSeed() {
    return runSeed;
  }
}
