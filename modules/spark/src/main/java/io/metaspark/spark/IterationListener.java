package io.metaspark.spark;

/** Told of every finished meta-iteration, with the state after it (e.g. to log or checkpoint). */
@FunctionalInterface
public interface IterationListener {
  void onIteration(IterationReport report, TrainingState state);
}
