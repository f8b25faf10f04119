package io.metaspark.core.algo;

import io.metaspark.core.model.Learner;
import io.metaspark.core.task.Examples;
import java.io.Serializable;

/** Task adaptation: {@code steps} plain SGD steps of size {@code learningRate} on the support set. */
public record InnerLoop(int steps, double learningRate) implements Serializable {
  public InnerLoop {
    if (steps < 0) {
      throw new IllegalArgumentException("inner steps must be >= 0, got " + steps);
    }
    if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
      throw new IllegalArgumentException("inner learning rate must be a positive number, got " + learningRate);
    }
  }

  /** theta' after {@code steps} steps; theta itself is not changed. */
  public double[] adapt(Learner learner, double[] theta, Examples support) {
    return adapt(learner, theta, support, steps);
  }

  public double[] adapt(Learner learner, double[] theta, Examples support, int stepCount) {
    double[] current = theta.clone();
    double[] gradient = new double[theta.length];
    for (int s = 0; s < stepCount; s++) {
      learner.lossAndGradient(current, support, gradient);
      Vectors.axpy(-learningRate, gradient, current);
    }
    return current;
  }

  /**
   * theta_0 = theta, ..., theta_k: what backpropagating through the steps needs. Only parameter
   * vectors are kept, never activations, so memory is (k + 1) * |theta| whatever the network;
   * except that a learner with exact Hessian-vector products keeps the last step's pass, which the
   * first product of the backward recursion, at theta_{k-1}, reuses.
   */
  public double[][] trajectory(Learner learner, double[] theta, Examples support) {
    double[][] path = new double[steps + 1][];
    path[0] = theta.clone();
    double[] gradient = new double[theta.length];
    for (int s = 0; s < steps; s++) {
      if (s == steps - 1) {
        learner.lossAndGradientForProducts(path[s], support, gradient);
      } else {
        learner.lossAndGradient(path[s], support, gradient);
      }
      path[s + 1] = path[s].clone();
      Vectors.axpy(-learningRate, gradient, path[s + 1]);
    }
    return path;
  }
}
