package io.metaspark.core.algo;

/**
 * The rule of {@link Adaptation#prototypes()}: adaptation by class prototypes, which takes no
 * gradient steps, so it is never asked for one. Named {@code prototypes} in model.json's
 * {@code inner_rule}.
 */
record PrototypeRule() implements UpdateRule {
  static final String NAME = "prototypes";

  @Override
  public void step(int step, double[] learned, double[] theta, double[] gradient) {
    throw new IllegalStateException("adaptation by prototypes takes no gradient steps");
  }

  @Override
  public void backward(int step, double[] learned, double[] theta, double[] gradient, double[] v,
      Curvature curvature, double[] learnedGradient) {
    throw new IllegalStateException("adaptation by prototypes takes no gradient steps");
  }

  @Override
  public String name() {
    return NAME;
  }

  /** No steps, no step size. */
  @Override
  public double learningRate() {
    return 0;
  }

  @Override
  public String describe() {
    return "by class prototypes (the mean support embedding of each class)";
  }
}
