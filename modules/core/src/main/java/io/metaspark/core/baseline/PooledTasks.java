package io.metaspark.core.baseline;

import io.metaspark.core.task.Examples;
import io.metaspark.core.task.SupervisedTaskFamily;
import io.metaspark.core.task.TaskData;
import io.metaspark.core.task.TaskDescriptor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A task's own support and query examples: right when labels do not depend on the task (regression,
 * a table's classes, which are the table's in every task).
 */
record PooledTasks(SupervisedTaskFamily family) implements PooledData {
  @Override
  public Examples examples(TaskDescriptor descriptor, DataType dataType) {
    TaskData task = family.sample(descriptor, dataType);
    return new Examples(
        Nd4j.concat(0, task.support().features(), task.query().features()),
        Nd4j.concat(0, task.support().labels(), task.query().labels()));
  }

  @Override
  public int labelWidth() {
    return 0;
  }
}
