package io.metaspark.core.algo;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * SGD whose step size depends on the step: theta_{j+1} = theta_j - alpha_j g_j, alpha_j the j-th of
 * the given rates, the last one repeated for the steps after them. The MAML paper's navigation test
 * adapts this way (0.5 for the first policy-gradient step, 0.25 after it), which one scalar rate
 * cannot express. Nothing is learned: the backward pass is scalar SGD's with that step's rate.
 */
public final class SteppedSgd implements UpdateRule {
  private final double[] rates;

  public SteppedSgd(double... rates) {
    if (rates.length == 0) {
      throw new IllegalArgumentException("stepped SGD needs at least one step size");
    }
    for (double rate : rates) {
      if (!(rate > 0) || !Double.isFinite(rate)) {
        throw new IllegalArgumentException("step sizes must be positive numbers, got " + Arrays.toString(rates));
      }
    }
    this.rates = rates.clone();
  }

  /** The rates as given: step j's is the j-th, the last one for the steps after them. */
  public double[] rates() {
    return rates.clone();
  }

  /** Step {@code step}'s rate (0-based): its own, or the last one given. */
  public double rate(int step) {
    return rates[Math.min(step, rates.length - 1)];
  }

  @Override
  public void step(int step, double[] learned, double[] theta, double[] gradient) {
    Vectors.axpy(-rate(step), gradient, theta);
  }

  @Override
  public void backward(int step, double[] learned, double[] theta, double[] gradient, double[] v,
      Curvature curvature, double[] learnedGradient) {
    double[] hv = new double[v.length];
    curvature.times(v, hv);
    Vectors.axpy(-rate(step), hv, v);
  }

  @Override
  public String name() {
    return "sgd-per-step";
  }

  @Override
  public double learningRate() {
    return rates[0];
  }

  @Override
  public String describe() {
    String listed = Arrays.stream(rates).mapToObj(r -> String.format(Locale.ROOT, "%s", r))
        .collect(Collectors.joining(", "));
    return rates.length == 1 ? "at lr " + listed : "at lr " + listed + " by step (the last for every later step)";
  }
}
