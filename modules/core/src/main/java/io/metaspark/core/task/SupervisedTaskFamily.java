package io.metaspark.core.task;

import org.nd4j.linalg.api.buffer.DataType;

/** A family of supervised tasks: each task's labelled examples are drawn from its descriptor alone. */
public interface SupervisedTaskFamily extends TaskFamily {
  /** The task's support and query examples, a pure function of the descriptor. */
  TaskData sample(TaskDescriptor descriptor, DataType dataType);

  @Override
  default Task open(TaskDescriptor descriptor, DataType dataType) {
    return sample(descriptor, dataType);
  }
}
