package io.metaspark.core.optim;

/** Plain gradient descent: delta = -lr * g. */
public record Sgd(double learningRate) implements OuterOptimizer {
  public Sgd {
    if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
      throw new IllegalArgumentException("SGD learning rate must be a positive number, got " + learningRate);
    }
  }

  /** SGD keeps nothing but the step count. */
  public record State(long step) implements OptimizerState {}

  @Override
  public OptimizerState init(int numParams) {
    return new State(0);
  }

  @Override
  public Update update(double[] gradient, OptimizerState state) {
    State s = (State) state;
    double[] delta = new double[gradient.length];
    for (int i = 0; i < delta.length; i++) {
      delta[i] = -learningRate * gradient[i];
    }
    return new Update(delta, new State(s.step() + 1));
  }

  @Override
  public String name() {
    return "sgd";
  }
}
