package io.metaspark.spark;

/**
 * Told of every finished meta-iteration, in order (e.g. to log, checkpoint or validate).
 *
 * <p>The state after the iteration comes only where the driver holds it: on the iterations
 * {@link #needsState} asks for, on logged iterations, and on the last iteration the trainer runs
 * (the plan's last, the one where it stopped as diverged, or the one after which it stopped as
 * asked by {@link #stopRequested}). Elsewhere {@code state} is null.
 * Barrier mode runs the iterations in between inside its tasks, away from the driver; jobs mode
 * passes null there too, so that a listener behaves the same in both modes.
 */
@FunctionalInterface
public interface IterationListener {
  void onIteration(IterationReport report, TrainingState state);

  /** Whether this listener needs the state after {@code iteration} (to checkpoint or validate it). */
  default boolean needsState(long iteration) {
    return false;
  }

  /**
   * Whether training should stop after the iteration in flight (a graceful stop, such as a
   * preemption's SIGTERM). Asked after each iteration in jobs mode, and as each iteration's partial
   * sums are gathered in barrier mode, where every barrier task then stops after that same
   * iteration. The trainer returns the state it reached, which the listener also gets with the
   * last report.
   */
  default boolean stopRequested() {
    return false;
  }
}
