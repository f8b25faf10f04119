package io.metaspark.core.algo;

/**
 * ANIL's inner step (Raghu, Raghu, Bengio and Vinyals 2020): SGD on the head only, the parameters
 * from {@code headStart} on (the last layer's); the body's stay. With P the projection onto the
 * head, theta_{j+1} = theta_j - alpha P g_j, whose Jacobian is I - alpha P H_j, so the backward pass
 * is v <- v - alpha H_j (P v): the body's part of v collects the mixed second derivatives, through
 * which the body's features on the support set shape the adapted head.
 */
public record HeadOnlySgd(int headStart, double learningRate) implements UpdateRule {
  public HeadOnlySgd {
    if (headStart < 0) {
      throw new IllegalArgumentException("the head cannot start at a negative index, got " + headStart);
    }
    if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
      throw new IllegalArgumentException("inner learning rate must be a positive number, got " + learningRate);
    }
  }

  @Override
  public void step(int step, double[] learned, double[] theta, double[] gradient) {
    for (int i = headStart; i < theta.length; i++) {
      theta[i] -= learningRate * gradient[i];
    }
  }

  @Override
  public void backward(int step, double[] learned, double[] theta, double[] gradient, double[] v,
      Curvature curvature, double[] learnedGradient) {
    double[] headPart = new double[v.length];
    System.arraycopy(v, headStart, headPart, headStart, v.length - headStart);
    double[] hv = new double[v.length];
    curvature.times(headPart, hv);
    Vectors.axpy(-learningRate, hv, v);
  }

  @Override
  public String name() {
    return "head-sgd";
  }

  @Override
  public String describe() {
    return "of the head (parameters " + headStart + "...) at lr " + learningRate;
  }
}
