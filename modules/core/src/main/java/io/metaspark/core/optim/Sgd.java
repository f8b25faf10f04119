package io.metaspark.core.optim;

/** Plain gradient descent: delta = -lr * g. Its state counts the updates, nothing else. */
public record Sgd(double learningRate) implements GradientTransformation {
  static final String NAME = "sgd";

  public Sgd {
    if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
      throw new IllegalArgumentException("SGD learning rate must be a positive number, got " + learningRate);
    }
  }

  /** SGD's state after {@code count} updates. */
  public static OptimizerState state(long count) {
    return OptimizerState.of(NAME).counter("count", count).build();
  }

  @Override
  public OptimizerState init(double[] params) {
    return state(0);
  }

  @Override
  public Update update(double[] gradient, OptimizerState state, double[] params) {
    double[] delta = new double[gradient.length];
    for (int i = 0; i < delta.length; i++) {
      delta[i] = -learningRate * gradient[i];
    }
    return new Update(delta, state(state.counter("count") + 1));
  }

  @Override
  public String name() {
    return NAME;
  }
}
