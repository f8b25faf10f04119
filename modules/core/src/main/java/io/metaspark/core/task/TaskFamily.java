package io.metaspark.core.task;

import java.io.Serializable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A distribution over tasks. {@link #sample} must be a pure function of the descriptor, so a task
 * gives the same data on every executor and on every retry.
 */
public interface TaskFamily extends Serializable {
  TaskData sample(TaskDescriptor descriptor, DataType dataType);

  /**
   * Fails with an {@link IllegalArgumentException} naming the bad class, file or setting if some task
   * of this family could not be drawn. Run once where the data lives, before any work, so a bad
   * dataset stops the job up front instead of failing its first training task. Families that
   * generate their data have nothing to check.
   */
  default void checkData() {}

  /** A short human name, for logs and run metadata. */
  String describe();

  /**
   * The task's support and query examples with labels that mean the same in every task, for
   * training one network on many tasks' data pooled (the joint-training baseline). By default the
   * task's own examples, which is right when labels do not depend on the task (regression); a family
   * that assigns labels per task, as N-way episodes do, must map them to task-independent ones.
   */
  default Examples pooledExamples(TaskDescriptor descriptor, DataType dataType) {
    TaskData task = sample(descriptor, dataType);
    return new Examples(
        Nd4j.concat(0, task.support().features(), task.query().features()),
        Nd4j.concat(0, task.support().labels(), task.query().labels()));
  }

  /**
   * The label width of {@link #pooledExamples}, or 0 when it is the model's own output width. May
   * read the data: call it where tasks run.
   */
  default int pooledLabelWidth() {
    return 0;
  }
}
