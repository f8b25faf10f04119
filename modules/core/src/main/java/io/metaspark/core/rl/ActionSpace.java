package io.metaspark.core.rl;

import java.io.Serializable;

/**
 * What an environment accepts as an action: a vector of {@code size} reals (continuous), or one of
 * {@code size} choices (discrete), given as a one-entry vector holding its index.
 */
public record ActionSpace(boolean discrete, int size) implements Serializable {
  public ActionSpace {
    if (size < 1) {
      throw new IllegalArgumentException("an action space needs at least one dimension or choice, got " + size);
    }
  }

  public static ActionSpace continuous(int dimensions) {
    return new ActionSpace(false, dimensions);
  }

  public static ActionSpace discrete(int choices) {
    return new ActionSpace(true, choices);
  }

  /** Entries of one action as rollouts store it: the vector, or the chosen index. */
  public int entries() {
    return discrete ? 1 : size;
  }

  @Override
  public String toString() {
    return discrete ? size + " discrete actions" : size + "-dimensional continuous actions";
  }
}
