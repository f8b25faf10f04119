package io.metaspark.core.algo;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Meta-SGD's inner step (Li, Zhou, Chen and Li 2017): theta_{j+1} = theta_j - a ⊙ g_j, one learned
 * rate per network parameter, the same at every step. The rates start at the configured inner
 * learning rate, or, given an interval, each at its own uniform draw from it (from {@code seed}, so
 * a run's start is a function of its config). Its Jacobian with respect to theta_j is
 * I - diag(a) H_j, so the backward pass is v <- v - H_j (a ⊙ v) (H_j symmetric), and a's gradient
 * through the step is -g_j ⊙ v.
 *
 * @param initialRate the configured inner learning rate: where every rate starts without an interval
 * @param lowest the interval the rates start in, [lowest, highest); both {@code initialRate} for none
 */
public record PerParameterRates(int networkParams, double initialRate, double lowest, double highest, long seed)
    implements UpdateRule {
  public PerParameterRates {
    requirePositive(initialRate, "inner learning rate");
    requirePositive(lowest, "the lowest initial rate");
    requirePositive(highest, "the highest initial rate");
    if (lowest > highest) {
      throw new IllegalArgumentException("initial rates need lowest <= highest, got [" + lowest + ", " + highest + "]");
    }
  }

  /** Every rate starts at {@code initialRate}. */
  public PerParameterRates(int networkParams, double initialRate) {
    this(networkParams, initialRate, initialRate, initialRate, 0);
  }

  private static void requirePositive(double rate, String what) {
    if (!(rate > 0) || !Double.isFinite(rate)) {
      throw new IllegalArgumentException(what + " must be a positive number, got " + rate);
    }
  }

  @Override
  public int learnedValues() {
    return networkParams;
  }

  @Override
  public void initLearned(double[] learned) {
    if (lowest == highest) {
      Arrays.fill(learned, lowest);
      return;
    }
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < learned.length; i++) {
      learned[i] = lowest + (highest - lowest) * random.nextDouble();
    }
  }

  @Override
  public void step(int step, double[] learned, double[] theta, double[] gradient) {
    for (int i = 0; i < theta.length; i++) {
      theta[i] -= learned[i] * gradient[i];
    }
  }

  @Override
  public void backward(int step, double[] learned, double[] theta, double[] gradient, double[] v,
      Curvature curvature, double[] learnedGradient) {
    double[] scaled = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      learnedGradient[i] -= gradient[i] * v[i];
      scaled[i] = learned[i] * v[i];
    }
    double[] hv = new double[v.length];
    curvature.times(scaled, hv);
    Vectors.axpy(-1, hv, v);
  }

  @Override
  public String name() {
    return "per-parameter";
  }

  @Override
  public double learningRate() {
    return initialRate;
  }

  @Override
  public String describe() {
    String start = lowest == highest ? String.valueOf(lowest) : "uniform in [" + lowest + ", " + highest + ")";
    return "at learned per-parameter rates (from " + start + ")";
  }
}
