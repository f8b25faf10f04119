package io.metaspark.core.optim;

/**
 * Scales the gradient down to L2 norm {@code maxNorm} when it is longer (optax's
 * {@code clip_by_global_norm}), so one outlying meta-batch moves the parameters no further than a
 * typical one. A gradient within the bound, or one whose norm is not finite (the divergence guard's
 * business, not this one's), passes unchanged. Stateless.
 */
public record ClipByGlobalNorm(double maxNorm) implements GradientTransformation {
  public ClipByGlobalNorm {
    if (!(maxNorm > 0) || !Double.isFinite(maxNorm)) {
      throw new IllegalArgumentException("the norm to clip to must be a positive number, got " + maxNorm);
    }
  }

  @Override
  public OptimizerState init(double[] params) {
    return OptimizerState.of(name()).build();
  }

  @Override
  public Update update(double[] gradient, OptimizerState state, double[] params) {
    double squares = 0;
    for (double g : gradient) {
      squares += g * g;
    }
    double norm = Math.sqrt(squares);
    if (!(norm > maxNorm) || !Double.isFinite(norm)) {
      return new Update(gradient, state);
    }
    double scale = maxNorm / norm;
    double[] clipped = new double[gradient.length];
    for (int i = 0; i < clipped.length; i++) {
      clipped[i] = gradient[i] * scale;
    }
    return new Update(clipped, state);
  }

  @Override
  public String name() {
    return "clip_by_global_norm";
  }

  @Override
  public String describe() {
    return "clip to norm " + maxNorm;
  }
}
