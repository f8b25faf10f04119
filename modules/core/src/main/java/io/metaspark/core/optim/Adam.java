package io.metaspark.core.optim;

/**
 * Adam (Kingma and Ba 2015) with bias correction, as PyTorch and optax compute it:
 * delta = -lr * m_hat / (sqrt(v_hat) + eps).
 */
public record Adam(double learningRate, double beta1, double beta2, double epsilon) implements OuterOptimizer {
  public Adam {
    if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
      throw new IllegalArgumentException("Adam learning rate must be a positive number, got " + learningRate);
    }
    if (!(beta1 >= 0 && beta1 < 1)) {
      throw new IllegalArgumentException("Adam beta1 must be in [0, 1), got " + beta1);
    }
    if (!(beta2 >= 0 && beta2 < 1)) {
      throw new IllegalArgumentException("Adam beta2 must be in [0, 1), got " + beta2);
    }
    if (!(epsilon > 0)) {
      throw new IllegalArgumentException("Adam epsilon must be > 0, got " + epsilon);
    }
  }

  public static Adam withDefaults(double learningRate) {
    return new Adam(learningRate, 0.9, 0.999, 1e-8);
  }

  /** First and second moment estimates after {@code step} updates. */
  public record State(long step, double[] firstMoment, double[] secondMoment) implements OptimizerState {}

  @Override
  public OptimizerState init(int numParams) {
    return new State(0, new double[numParams], new double[numParams]);
  }

  @Override
  public Update update(double[] gradient, OptimizerState state) {
    State s = (State) state;
    long t = s.step() + 1;
    double[] m = new double[gradient.length];
    double[] v = new double[gradient.length];
    double[] delta = new double[gradient.length];
    double correction1 = 1 - Math.pow(beta1, t);
    double correction2 = 1 - Math.pow(beta2, t);
    for (int i = 0; i < gradient.length; i++) {
      double g = gradient[i];
      m[i] = beta1 * s.firstMoment()[i] + (1 - beta1) * g;
      v[i] = beta2 * s.secondMoment()[i] + (1 - beta2) * g * g;
      delta[i] = -learningRate * (m[i] / correction1) / (Math.sqrt(v[i] / correction2) + epsilon);
    }
    return new Update(delta, new State(t, m, v));
  }

  @Override
  public String name() {
    return "adam";
  }
}
