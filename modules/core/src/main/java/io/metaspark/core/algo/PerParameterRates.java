package io.metaspark.core.algo;

import java.util.Arrays;

/**
 * Meta-SGD's inner step (Li, Zhou, Chen and Li 2017): theta_{j+1} = theta_j - a ⊙ g_j, one learned
 * rate per network parameter, the same at every step, starting at the configured inner learning rate.
 * Its Jacobian with respect to theta_j is I - diag(a) H_j, so the backward pass is
 * v <- v - H_j (a ⊙ v) (H_j symmetric), and a's gradient through the step is -g_j ⊙ v.
 */
public record PerParameterRates(int networkParams, double initialRate) implements UpdateRule {
  public PerParameterRates {
    if (!(initialRate > 0) || !Double.isFinite(initialRate)) {
      throw new IllegalArgumentException("inner learning rate must be a positive number, got " + initialRate);
    }
  }

  @Override
  public int learnedValues() {
    return networkParams;
  }

  @Override
  public void initLearned(double[] learned) {
    Arrays.fill(learned, initialRate);
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
    return "at learned per-parameter rates (from " + initialRate + ")";
  }
}
