package io.metaspark.core.algo;

/**
 * MAML's inner step: plain SGD with one fixed step size, theta_{j+1} = theta_j - alpha g_j. Its
 * Jacobian is I - alpha H_j, so the backward pass is v - alpha H_j v: one Hessian-vector product.
 */
public record ScalarSgd(double learningRate) implements UpdateRule {
  public ScalarSgd {
    if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
      throw new IllegalArgumentException("inner learning rate must be a positive number, got " + learningRate);
    }
  }

  @Override
  public void step(int step, double[] learned, double[] theta, double[] gradient) {
    Vectors.axpy(-learningRate, gradient, theta);
  }

  @Override
  public void backward(int step, double[] learned, double[] theta, double[] gradient, double[] v,
      Curvature curvature, double[] learnedGradient) {
    double[] hv = new double[v.length];
    curvature.times(v, hv);
    Vectors.axpy(-learningRate, hv, v);
  }

  @Override
  public String name() {
    return "sgd";
  }

  @Override
  public String describe() {
    return "at lr " + learningRate;
  }
}
