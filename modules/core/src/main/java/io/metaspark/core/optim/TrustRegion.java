package io.metaspark.core.optim;

import java.util.Locale;

/**
 * TRPO's outer step as the MAML paper's code takes it (rllab's {@code ConjugateGradientOptimizer}):
 * the descent direction x solves (F + damping I) x = g by {@link ConjugateGradient}, F the mean
 * Fisher-vector product of the KL constraint and g the mean meta-gradient; it is scaled to the
 * step that reaches the KL bound on the quadratic model, sqrt(2 maxKl / x^T (F + damping I) x) x,
 * and the step is backtracked by {@code backtrackRatio}, at most {@code lineSearchSteps} times,
 * until the surrogate loss falls below its value at the current parameters and the KL is within
 * {@code maxKl}. When no trial passes, the parameters stay where they are (as rllab's) and the
 * state counts a rejected step.
 *
 * <p>Every product and trial is a round over the whole meta-batch ({@link MetaBatchCurvature}),
 * which {@link #update(double[], OptimizerState, double[])} alone cannot ask: it refuses, and
 * callers that hold the meta-batch call {@link #update(double[], OptimizerState, double[], MetaBatchCurvature)}.
 * The arithmetic depends only on the rounds' results, so replicas that get the same results
 * (barrier mode's exact sums) take the same step bit for bit.
 *
 * <p>The Fisher-vector product F v is exact ({@link MetaBatchCurvature#fisherProduct}) unless
 * {@code differenceBase} is positive: then it is the central difference of the constraint's gradient
 * (g(theta + eps v) - g(theta - eps v)) / (2 eps), eps = differenceBase / (|theta| + 1e-8), as rllab's
 * {@code FiniteDifferenceHvp}, two rounds per product. The MAML code's optimizer builds that class as
 * {@code FiniteDifferenceHvp(num_slices)}, whose first parameter is {@code base_eps}: its base is 1,
 * not the class's 1e-8, so its products average the curvature over steps of |v| / |theta|.
 *
 * <p>State: the counts of steps taken and of steps rejected. Each {@link Update} also says what its
 * line search did ({@link LineSearch}), for the training log.
 */
public record TrustRegion(double maxKl, int cgIterations, double damping, int lineSearchSteps, double backtrackRatio,
    double differenceBase) implements GradientTransformation {
  static final String NAME = "trpo";

  /** With exact Fisher-vector products. */
  public TrustRegion(double maxKl, int cgIterations, double damping, int lineSearchSteps, double backtrackRatio) {
    this(maxKl, cgIterations, damping, lineSearchSteps, backtrackRatio, 0);
  }

  public TrustRegion {
    if (!(differenceBase >= 0) || !Double.isFinite(differenceBase)) {
      throw new IllegalArgumentException("the finite-difference base must be >= 0 (0: exact products), got "
          + differenceBase);
    }
    if (!(maxKl > 0) || !Double.isFinite(maxKl)) {
      throw new IllegalArgumentException("the KL bound must be a positive number, got " + maxKl);
    }
    if (cgIterations < 1 || lineSearchSteps < 1) {
      throw new IllegalArgumentException("TRPO needs at least 1 conjugate-gradient iteration and 1 line-search step,"
          + " got " + cgIterations + " and " + lineSearchSteps);
    }
    if (!(damping >= 0) || !Double.isFinite(damping)) {
      throw new IllegalArgumentException("the damping must be >= 0, got " + damping);
    }
    if (!(backtrackRatio > 0 && backtrackRatio < 1)) {
      throw new IllegalArgumentException("the backtrack ratio must be in (0, 1), got " + backtrackRatio);
    }
  }

  @Override
  public OptimizerState init(double[] params) {
    return state(0, 0);
  }

  private static OptimizerState state(long steps, long rejected) {
    return OptimizerState.of(NAME).counter("count", steps).counter("rejected", rejected).build();
  }

  @Override
  public boolean needsCurvature() {
    return true;
  }

  /** Refused: the step needs the meta-batch's Fisher-vector products and line-search trials. */
  @Override
  public Update update(double[] gradient, OptimizerState state, double[] params) {
    throw new IllegalStateException("TRPO's outer step needs the meta-batch's Fisher-vector products and line-search"
        + " trials, not the mean meta-gradient alone");
  }

  @Override
  public Update update(double[] gradient, OptimizerState state, double[] params, MetaBatchCurvature curvature) {
    ConjugateGradient cg = new ConjugateGradient(cgIterations, ConjugateGradient.DEFAULT_RESIDUAL_TOLERANCE);
    double[] direction = cg.solve(v -> damped(curvature, params, v), gradient);
    double curvatureAlong = ConjugateGradient.dot(direction, damped(curvature, params, direction));
    // rllab's 1e-8 keeps a zero direction (a zero meta-gradient) from dividing by zero
    double scale = Math.sqrt(2 * maxKl / (curvatureAlong + 1e-8));
    double before = curvature.surrogateAtCurrent(params);
    double[] delta = new double[params.length];
    double[] candidate = new double[params.length];
    double fraction = 1;
    MetaBatchCurvature.SurrogateAndKl after = null;
    for (int trial = 0; trial < lineSearchSteps; trial++, fraction *= backtrackRatio) {
      for (int i = 0; i < delta.length; i++) {
        delta[i] = -fraction * scale * direction[i];
        candidate[i] = params[i] + delta[i];
      }
      after = curvature.at(candidate);
      if (after.surrogate() < before && after.kl() <= maxKl) {
        return new Update(delta, state(state.counter("count") + 1, state.counter("rejected")),
            new LineSearch(before, after.surrogate(), after.kl(), maxKl, trial + 1, lineSearchSteps, true));
      }
    }
    return new Update(new double[params.length], state(state.counter("count") + 1, state.counter("rejected") + 1),
        new LineSearch(before, after.surrogate(), after.kl(), maxKl, lineSearchSteps, lineSearchSteps, false));
  }

  private double[] damped(MetaBatchCurvature curvature, double[] params, double[] v) {
    double[] product = differenceBase > 0 ? centralDifference(curvature, params, v) : curvature.fisherProduct(v);
    for (int i = 0; i < product.length; i++) {
      product[i] += damping * v[i];
    }
    return product;
  }

  private double[] centralDifference(MetaBatchCurvature curvature, double[] params, double[] v) {
    double eps = differenceBase / (Math.sqrt(ConjugateGradient.dot(params, params)) + 1e-8);
    double[] plus = params.clone();
    double[] minus = params.clone();
    for (int i = 0; i < params.length; i++) {
      plus[i] += eps * v[i];
      minus[i] -= eps * v[i];
    }
    double[] product = curvature.klGradient(plus);
    double[] below = curvature.klGradient(minus);
    for (int i = 0; i < product.length; i++) {
      product[i] = (product[i] - below[i]) / (2 * eps);
    }
    return product;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String describe() {
    return String.format(Locale.ROOT, "trpo (max KL %s, %d CG iterations, damping %s, %d line-search steps at ratio %s%s)",
        maxKl, cgIterations, damping, lineSearchSteps, backtrackRatio,
        differenceBase > 0 ? ", Fisher products by central differences, base " + differenceBase : "");
  }
}
