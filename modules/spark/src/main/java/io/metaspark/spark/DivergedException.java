package io.metaspark.spark;

/** Training produced blown-up updates too many times in a row; the last good state is kept. */
public final class DivergedException extends RuntimeException {
  public DivergedException(long iteration, int inARow, String lastReason) {
    super("training diverged: " + inARow + " updates in a row skipped as blown up, the last at iteration " + iteration
        + " (" + lastReason + ")");
  }
}
