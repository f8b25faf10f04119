package io.metaspark.core.rl;

import java.io.Serializable;

/** A distribution over environments of one shape: a task's environment is {@link #create}d from its seed. */
public interface EnvironmentFamily extends Serializable {
  /** The environment of the task with seed {@code taskSeed}: the same seed, the same environment. */
  Environment create(long taskSeed);

  int observationSize();

  ActionSpace actionSpace();

  /** Steps after which an episode ends if it has not ended before. */
  int horizon();

  String describe();
}
