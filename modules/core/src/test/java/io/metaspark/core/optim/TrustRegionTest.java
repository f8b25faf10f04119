package io.metaspark.core.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * TRPO's arithmetic on problems whose answers are known: conjugate gradient solves a symmetric
 * positive definite system; the step reaches the KL bound on an exact quadratic constraint,
 * backtracks when the real KL grows faster than its quadratic model, and is rejected (parameters
 * unchanged, counted) when no trial lowers the surrogate.
 */
class TrustRegionTest {
  private static final double[][] A = {{4, 1, 0.5}, {1, 3, -0.2}, {0.5, -0.2, 2}};

  @Test
  void conjugateGradientSolvesASymmetricPositiveDefiniteSystem() {
    double[] b = {1, -2, 0.5};
    double[] x = new ConjugateGradient(3, 1e-30).solve(TrustRegionTest::timesA, b);
    assertArrayEquals(b, timesA(x), 1e-12);
    double[] early = new ConjugateGradient(1, 1e-30).solve(TrustRegionTest::timesA, b);
    assertTrue(residual(early, b) > 1e-3 && residual(early, b) < norm(b), "one iteration only lowers the residual");
  }

  @Test
  void onAnExactQuadraticConstraintTheFullStepIsTakenAndReachesTheBound() {
    double[] params = {0.3, -0.1, 0.2};
    double[] g = {1, 0.5, -1};
    Quadratic problem = new Quadratic(params, g, 1);
    TrustRegion trpo = new TrustRegion(0.01, 10, 0, 15, 0.8);
    Update update = trpo.update(g, trpo.init(params), params, problem);
    int trials = problem.trials;
    double[] after = params.clone();
    update.applyTo(after);
    MetaBatchCurvature.SurrogateAndKl at = problem.at(after);
    assertEquals(0.01, at.kl(), 1e-9, "the quadratic model is exact: the first trial lands on the bound");
    assertTrue(at.surrogate() < problem.at(params).surrogate());
    assertEquals(1, trials, "the first trial is accepted");
    // the direction is A^-1 g: the natural gradient, not the gradient
    double[] natural = new ConjugateGradient(3, 1e-30).solve(TrustRegionTest::timesA, g);
    double ratio = update.delta()[0] / natural[0];
    for (int i = 0; i < 3; i++) {
      assertEquals(-Math.abs(ratio) * natural[i], update.delta()[i], 1e-12);
    }
    assertEquals(1, update.state().counter("count"));
    assertEquals(0, update.state().counter("rejected"));
    // what the log shows of the step: the trial taken and the surrogate and KL there
    LineSearch search = update.lineSearch();
    assertEquals(new LineSearch(problem.at(params).surrogate(), at.surrogate(), at.kl(), 0.01, 1, 15, true), search);
  }

  /**
   * rllab's finite-difference product, with the MAML code's base of 1: on a quadratic constraint a
   * central difference of its gradient is exact whatever the step, so the step is the exact
   * product's to rounding, at two gradient rounds per product.
   */
  @Test
  void centralDifferencesOfTheConstraintsGradientTakeTheExactProductsStepOnAQuadratic() {
    double[] params = {0.3, -0.1, 0.2};
    double[] g = {1, 0.5, -1};
    TrustRegion exactProducts = new TrustRegion(0.01, 10, 1e-5, 15, 0.8);
    Update exact = exactProducts.update(g, exactProducts.init(params), params, new Quadratic(params, g, 1));
    Quadratic problem = new Quadratic(params, g, 1);
    TrustRegion differences = new TrustRegion(0.01, 10, 1e-5, 15, 0.8, 1.0);
    Update update = differences.update(g, differences.init(params), params, problem);
    assertArrayEquals(exact.delta(), update.delta(), 1e-12);
    assertEquals(0, problem.fisherProducts, "no exact product asked");
    assertTrue(problem.gradients >= 2 * 3 && problem.gradients % 2 == 0, problem.gradients + " gradient rounds");
    assertTrue(differences.describe().contains("central differences, base 1.0"), differences.describe());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new TrustRegion(0.01, 10, 0.01, 15, 0.8, -1))
        .getMessage().contains("finite-difference base"));
  }

  @Test
  void whenTheKlGrowsFasterThanItsModelTheStepBacktracksUntilWithinTheBound() {
    double[] params = {0.3, -0.1, 0.2};
    double[] g = {1, 0.5, -1};
    Quadratic problem = new Quadratic(params, g, 3); // the real KL is 3x the model: 0.03 at the full step
    TrustRegion trpo = new TrustRegion(0.01, 10, 0.01, 15, 0.8);
    Update update = trpo.update(g, trpo.init(params), params, problem);
    int trials = problem.trials;
    double[] after = params.clone();
    update.applyTo(after);
    assertTrue(problem.at(after).kl() <= 0.01, "KL " + problem.at(after).kl());
    assertTrue(problem.at(after).surrogate() < problem.at(params).surrogate());
    // the KL at trial k is 0.03 x 0.8^2k (a little less with damping): within 0.01 first at k = 3, the 4th trial
    assertEquals(4, trials);
    assertEquals(4, update.lineSearch().trials());
    assertTrue(update.lineSearch().accepted());
    assertEquals(problem.at(after).kl(), update.lineSearch().kl(), 0);
  }

  @Test
  void whenNoTrialLowersTheSurrogateTheParametersStayAndTheStepCountsAsRejected() {
    double[] params = {0.3, -0.1, 0.2};
    double[] g = {1, 0.5, -1};
    Quadratic problem = new Quadratic(params, g, 1) {
      @Override
      public SurrogateAndKl at(double[] candidate) {
        SurrogateAndKl real = super.at(candidate);
        return new SurrogateAndKl(-real.surrogate(), real.kl()); // every step makes it worse
      }
    };
    TrustRegion trpo = new TrustRegion(0.01, 10, 0.01, 5, 0.8);
    Update update = trpo.update(g, trpo.init(params), params, problem);
    assertArrayEquals(new double[3], update.delta(), 0);
    assertEquals(5, problem.trials, "all five trials were tried");
    assertEquals(1, update.state().counter("rejected"));
    LineSearch search = update.lineSearch();
    assertFalse(search.accepted());
    assertEquals(5, search.trials());
    assertTrue(search.surrogateAfter() > search.surrogateBefore(), search.toString());
  }

  @Test
  void withoutTheMetaBatchTheUpdateIsRefusedAndBadSettingsAreNamed() {
    TrustRegion trpo = new TrustRegion(0.01, 10, 0.01, 15, 0.8);
    assertTrue(trpo.needsCurvature());
    assertThrows(IllegalStateException.class, () -> trpo.update(new double[1], trpo.init(new double[1]), new double[1]));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new TrustRegion(0.01, 10, 0.01, 15, 1))
        .getMessage().contains("backtrack ratio"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new TrustRegion(0, 10, 0.01, 15, 0.8))
        .getMessage().contains("KL bound"));
  }

  /**
   * KL(x) = c/2 (x - p)^T A (x - p), whose Hessian the curvature reports as A (exact for c = 1),
   * and a surrogate whose gradient at p is g, with a little curvature of its own.
   */
  private static class Quadratic implements MetaBatchCurvature {
    private final double[] params;
    private final double[] g;
    private final double klScale;
    int trials = -1; // the first call is the surrogate at the current parameters
    int fisherProducts;
    int gradients;

    Quadratic(double[] params, double[] g, double klScale) {
      this.params = params;
      this.g = g;
      this.klScale = klScale;
    }

    @Override
    public double[] fisherProduct(double[] v) {
      fisherProducts++;
      return timesA(v);
    }

    /** c A (x - p). */
    @Override
    public double[] klGradient(double[] candidate) {
      gradients++;
      double[] d = new double[candidate.length];
      for (int i = 0; i < d.length; i++) {
        d[i] = candidate[i] - params[i];
      }
      double[] out = timesA(d);
      for (int i = 0; i < out.length; i++) {
        out[i] *= klScale;
      }
      return out;
    }

    @Override
    public SurrogateAndKl at(double[] candidate) {
      trials++;
      double[] d = new double[candidate.length];
      for (int i = 0; i < d.length; i++) {
        d[i] = candidate[i] - params[i];
      }
      double kl = klScale * ConjugateGradient.dot(d, timesA(d)) / 2;
      return new SurrogateAndKl(ConjugateGradient.dot(g, d) + 0.1 * ConjugateGradient.dot(d, d), kl);
    }
  }

  private static double[] timesA(double[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      for (int j = 0; j < v.length; j++) {
        out[i] += A[i][j] * v[j];
      }
    }
    return out;
  }

  private static double residual(double[] x, double[] b) {
    double[] ax = timesA(x);
    for (int i = 0; i < ax.length; i++) {
      ax[i] -= b[i];
    }
    return norm(ax);
  }

  private static double norm(double[] v) {
    return Math.sqrt(ConjugateGradient.dot(v, v));
  }

}
