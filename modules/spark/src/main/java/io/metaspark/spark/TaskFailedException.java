package io.metaspark.spark;

import io.metaspark.core.task.TaskDescriptor;

/**
 * A task's failure, carrying the descriptor (iteration, index, seed) into the driver's log, so the
 * failing task can be reproduced on one machine.
 */
public final class TaskFailedException extends RuntimeException {
  public TaskFailedException(TaskDescriptor descriptor, Throwable cause) {
    super("meta-learning " + descriptor + " failed: " + cause, cause);
  }
}
