package io.metaspark.spark;

/** Training produced non-finite updates too many times in a row; the last good state is kept. */
public final class DivergedException extends RuntimeException {
  public DivergedException(long iteration, int inARow) {
    super("training diverged: " + inARow + " non-finite meta-gradients or losses in a row, the last at iteration "
        + iteration);
  }
}
