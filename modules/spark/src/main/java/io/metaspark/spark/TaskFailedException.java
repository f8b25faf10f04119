package io.metaspark.spark;

import io.metaspark.core.task.TaskDescriptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task's failure, carrying the descriptor (iteration, index, seed) into the driver's log, so the
 * failing task can be reproduced on one machine.
 */
public final class TaskFailedException extends RuntimeException {
  private static final Logger LOG = LoggerFactory.getLogger(TaskFailedException.class);

  private TaskFailedException(TaskDescriptor descriptor, Throwable cause) {
    super("meta-learning " + descriptor + " failed: " + cause, cause);
  }

  /**
   * An exception is kept as the cause. An Error (out of memory, stack overflow) is reported
   * detached, with its message and stack trace but not as the cause: Spark kills an executor whose
   * task failed with a fatal error anywhere in the cause chain, and the driver then learns only
   * that an executor was lost, not which task. Detached, the task fails with its descriptor in the
   * driver's log and Spark retries it; the executor's log keeps the original error.
   */
  static TaskFailedException of(TaskDescriptor descriptor, Throwable failure) {
    if (!(failure instanceof Error)) {
      return new TaskFailedException(descriptor, failure);
    }
    LOG.error("meta-learning {} failed", descriptor, failure);
    RuntimeException detached = new RuntimeException(failure.toString());
    detached.setStackTrace(failure.getStackTrace());
    return new TaskFailedException(descriptor, detached);
  }
}
