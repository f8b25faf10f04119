package io.metaspark.core.task;

import java.io.Serializable;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * A distribution over tasks. {@link #open} must be a pure function of the descriptor (and what the
 * task is then asked, of the parameters and round: see {@link Task}), so a task gives the same
 * data on every executor and on every retry.
 */
public interface TaskFamily extends Serializable {
  /** The task {@code descriptor} names, its examples in {@code dataType}. */
  Task open(TaskDescriptor descriptor, DataType dataType);

  /**
   * Fails with an {@link IllegalArgumentException} naming the bad class, file or setting if some task
   * of this family could not be drawn. Run once where the data lives, before any work, so a bad
   * dataset stops the job up front instead of failing its first training task. Families that
   * generate their data have nothing to check.
   */
  default void checkData() {}

  /** A short human name, for logs and run metadata. */
  String describe();
}
