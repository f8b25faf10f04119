package io.metaspark.core.optim;

/**
 * Adam (Kingma and Ba 2015) with bias correction, as PyTorch and optax compute it:
 * delta = -lr * m_hat / (sqrt(v_hat) + eps).
 *
 * <p>The learning rate is part of the transformation, not a separate scaling after it (optax's
 * {@code scale_by_adam} then {@code scale}): -lr * (m / c1) / (sqrt(v / c2) + eps) is evaluated in
 * exactly this order, which is what runs checkpointed before transformations composed computed, so
 * they resume bit for bit. A schedule scales the result ({@link ScaleBySchedule}).
 */
public record Adam(double learningRate, double beta1, double beta2, double epsilon) implements GradientTransformation {
  static final String NAME = "adam";

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

  /** Adam's state after {@code count} updates: the first (mu) and second (nu) moment estimates. */
  public static OptimizerState state(long count, double[] firstMoment, double[] secondMoment) {
    return OptimizerState.of(NAME).counter("count", count).array("mu", firstMoment).array("nu", secondMoment).build();
  }

  @Override
  public OptimizerState init(double[] params) {
    return state(0, new double[params.length], new double[params.length]);
  }

  @Override
  public Update update(double[] gradient, OptimizerState state, double[] params) {
    long t = state.counter("count") + 1;
    double[] firstMoment = state.array("mu");
    double[] secondMoment = state.array("nu");
    double[] m = new double[gradient.length];
    double[] v = new double[gradient.length];
    double[] delta = new double[gradient.length];
    double correction1 = 1 - Math.pow(beta1, t);
    double correction2 = 1 - Math.pow(beta2, t);
    for (int i = 0; i < gradient.length; i++) {
      double g = gradient[i];
      m[i] = beta1 * firstMoment[i] + (1 - beta1) * g;
      v[i] = beta2 * secondMoment[i] + (1 - beta2) * g * g;
      delta[i] = -learningRate * (m[i] / correction1) / (Math.sqrt(v[i] / correction2) + epsilon);
    }
    return new Update(delta, state(t, m, v));
  }

  @Override
  public String name() {
    return NAME;
  }
}
