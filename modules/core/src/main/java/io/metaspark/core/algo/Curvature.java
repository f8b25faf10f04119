package io.metaspark.core.algo;

/**
 * Multiplication by the Hessian of the support loss at one step of an adaptation's trajectory:
 * what an {@link UpdateRule}'s backward pass needs to carry a gradient back through its step.
 */
@FunctionalInterface
public interface Curvature {
  /** Writes H {@code direction} into {@code out}. */
  void times(double[] direction, double[] out);
}
