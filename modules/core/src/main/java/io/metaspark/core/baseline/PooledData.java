package io.metaspark.core.baseline;

import io.metaspark.core.task.Examples;
import io.metaspark.core.task.SupervisedTaskFamily;
import io.metaspark.core.task.TaskDescriptor;
import io.metaspark.core.task.TaskFamily;
import io.metaspark.core.task.image.EpisodeTaskFamily;
import java.io.Serializable;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The joint baseline's training data: a task's examples with labels that mean the same in every
 * task, so many tasks' data can be pooled to train one ordinary network. What that takes depends
 * on the family, which is why it lives here with the baseline and not in the task families.
 */
public interface PooledData extends Serializable {
  /** The task's support and query examples, labelled task-independently. */
  Examples examples(TaskDescriptor descriptor, DataType dataType);

  /**
   * The width of the pooled labels, or 0 when it is the model's own output width. May read the data:
   * call it where tasks run.
   */
  int labelWidth();

  /**
   * How {@code family}'s tasks pool: N-way episodes by relabelling with the part's classes, other
   * supervised tasks (regression, a table's fixed classes) as they are.
   */
  static PooledData of(TaskFamily family) {
    if (family instanceof EpisodeTaskFamily episodes) {
      return new PooledEpisodes(episodes);
    }
    if (family instanceof SupervisedTaskFamily supervised) {
      return new PooledTasks(supervised);
    }
    throw new IllegalArgumentException("the joint baseline pools tasks' labelled examples, which "
        + family.describe() + " does not have");
  }
}
