package io.metaspark.app.run;

import io.metaspark.spark.TrainingState;

/**
 * A saved training state and the config that produced it. Sampling is a pure function of
 * (seed, iteration, index), so the next iteration is all the sampler state there is.
 */
public record Checkpoint(TrainingState state, String config) {
  public long nextIteration() {
    return state.nextIteration();
  }
}
