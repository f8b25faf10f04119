package io.metaspark.core.task;

/**
 * A supervised task's data: the support set to adapt on and the query set the adapted model is
 * judged on, drawn once from the descriptor, the same whatever the parameters and round.
 */
public record TaskData(TaskDescriptor descriptor, Examples support, Examples query) implements Task {
  @Override
  public Examples support(double[] params, int round) {
    return support;
  }

  @Override
  public Examples query(double[] params, int round) {
    return query;
  }
}
