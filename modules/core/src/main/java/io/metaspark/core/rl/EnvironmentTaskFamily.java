package io.metaspark.core.rl;

import io.metaspark.core.task.Task;
import io.metaspark.core.task.TaskDescriptor;
import io.metaspark.core.task.TaskFamily;
import org.nd4j.linalg.api.buffer.DataType;

/** Tasks that are environments of one {@link EnvironmentFamily}, rolled out as {@link RolloutSettings} say. */
public record EnvironmentTaskFamily(EnvironmentFamily environments, RolloutSettings rollouts) implements TaskFamily {
  /** Rollouts are computed in double, whatever the network's type: {@link Policy} computes in double. */
  @Override
  public Task open(TaskDescriptor descriptor, DataType dataType) {
    return new EnvironmentTask(descriptor, environments, rollouts);
  }

  @Override
  public String describe() {
    return environments.describe() + ", " + rollouts.supportTrajectories() + " support and "
        + rollouts.queryTrajectories() + " query trajectories, discount " + rollouts.discount() + ", GAE lambda "
        + rollouts.gaeLambda();
  }
}
