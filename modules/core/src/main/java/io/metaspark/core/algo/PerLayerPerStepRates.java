package io.metaspark.core.algo;

import io.metaspark.core.model.ParameterLayout;
import java.util.Arrays;

/**
 * MAML++'s learned per-layer per-step inner rates (LSLR, Antoniou, Edwards and Storkey 2019):
 * theta_{j+1} = theta_j - a_{j,l} g_j on the parameters of layer l, one learned rate for each of the
 * training's inner steps and each layer, all starting at the configured inner learning rate, kept
 * step by step (a_{0,0}, a_{0,1}, ..., a_{1,0}, ...). An adaptation longer than training's (an
 * evaluation's 10 steps after training with 1) goes on at the last step's rates.
 *
 * <p>Backward through step j, with v = dL/dtheta_{j+1}: a_{j,l} gets -sum over layer l of g_j ⊙ v,
 * and v <- v - H_j (a_j ⊙ v), a_j spread over each layer's parameters.
 */
public record PerLayerPerStepRates(ParameterLayout layout, int steps, double initialRate) implements UpdateRule {
  public PerLayerPerStepRates {
    if (steps < 1) {
      throw new IllegalArgumentException("per-step rates need at least one inner step, got " + steps);
    }
    if (!(initialRate > 0) || !Double.isFinite(initialRate)) {
      throw new IllegalArgumentException("inner learning rate must be a positive number, got " + initialRate);
    }
  }

  @Override
  public int learnedValues() {
    return steps * layout.layers();
  }

  @Override
  public void initLearned(double[] learned) {
    Arrays.fill(learned, initialRate);
  }

  @Override
  public void step(int step, double[] learned, double[] theta, double[] gradient) {
    int at = rateRow(step);
    for (int l = 0; l < layout.layers(); l++) {
      double rate = learned[at + l];
      for (int i = layout.start(l), end = i + layout.size(l); i < end; i++) {
        theta[i] -= rate * gradient[i];
      }
    }
  }

  @Override
  public void backward(int step, double[] learned, double[] theta, double[] gradient, double[] v,
      Curvature curvature, double[] learnedGradient) {
    int at = rateRow(step);
    double[] scaled = new double[v.length];
    for (int l = 0; l < layout.layers(); l++) {
      double rate = learned[at + l];
      double sum = 0;
      for (int i = layout.start(l), end = i + layout.size(l); i < end; i++) {
        sum += gradient[i] * v[i];
        scaled[i] = rate * v[i];
      }
      learnedGradient[at + l] -= sum;
    }
    double[] hv = new double[v.length];
    curvature.times(scaled, hv);
    Vectors.axpy(-1, hv, v);
  }

  /** Where step {@code step}'s rates start: past training's steps, the last step's. */
  private int rateRow(int step) {
    return Math.min(step, steps - 1) * layout.layers();
  }

  @Override
  public String name() {
    return "per-layer-per-step";
  }

  @Override
  public double learningRate() {
    return initialRate;
  }

  @Override
  public String describe() {
    return "at learned per-layer per-step rates (from " + initialRate + ")";
  }
}
