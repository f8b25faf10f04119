package io.metaspark.core.task;

import java.io.Serializable;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * A distribution over tasks. {@link #sample} must be a pure function of the descriptor, so a task
 * gives the same data on every executor and on every retry.
 */
public interface TaskFamily extends Serializable {
  TaskData sample(TaskDescriptor descriptor, DataType dataType);

  /** A short human name, for logs and run metadata. */
  String describe();
}
