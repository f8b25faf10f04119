package io.metaspark.app.builtin;

import io.metaspark.app.config.Check;
import io.metaspark.app.config.ConfigError;
import io.metaspark.app.config.Key;
import io.metaspark.app.config.OptimizerType;
import io.metaspark.app.config.OuterSettings;
import io.metaspark.app.config.SparkSettings;
import io.metaspark.app.config.Values;
import io.metaspark.core.optim.GradientTransformation;
import io.metaspark.core.optim.TrustRegion;
import io.metaspark.spark.ExecutionMode;
import java.util.List;

/**
 * {@code trpo}: the MAML paper's outer step for MAML-RL ({@link TrustRegion}), its settings under
 * {@code outer.trpo} with the MAML code's defaults (pytorch-maml-rl's damping). It sets its own
 * step length from the KL bound, so it takes no clipping and no schedule; and it runs in barrier
 * mode only. Which algorithms can take it is the job's to check: those that keep their tasks for
 * its rounds.
 */
final class TrpoOptimizer implements OptimizerType {
  static final Key<Double> MAX_KL = Key.number("outer.trpo.max-kl", 0.01,
      "the bound on the mean KL divergence between the adapted policies before and after a step")
      .check(Check.positive());
  static final Key<Integer> CG_ITERATIONS = Key.integer("outer.trpo.cg-iterations", 10,
      "conjugate-gradient iterations (Fisher-vector products) per step").check(Check.atLeast(1));
  static final Key<Double> CG_DAMPING = Key.number("outer.trpo.cg-damping", 0.01,
      "added to the Fisher-vector product as damping times the vector")
      .check(Check.that(v -> v >= 0 && Double.isFinite(v), ">= 0"));
  static final Key<Integer> LINE_SEARCH_STEPS = Key.integer("outer.trpo.line-search-steps", 15,
      "line-search trials at most; when none passes the parameters stay").check(Check.atLeast(1));
  static final Key<Double> BACKTRACK_RATIO = Key.number("outer.trpo.backtrack-ratio", 0.8,
      "each line-search trial shortens the step by this factor")
      .check(Check.that(v -> v > 0 && v < 1, "in (0, 1)"));

  static final Key<String> FISHER_PRODUCT = Key.choice("outer.trpo.fisher-product", "exact",
      List.of("exact", "central-difference"),
      "exact: the KL's Hessian times v by R-operators; central-difference: rllab's FiniteDifferenceHvp, the KL's"
          + " gradient at theta +- eps v differenced, eps = central-difference-base / |theta|, as the MAML code's"
          + " TRPO computes it (two rounds per product)");
  static final Key<Double> DIFFERENCE_BASE = Key.number("outer.trpo.central-difference-base", 1.0,
      "eps |theta| for fisher-product = central-difference: the MAML code's optimizer builds FiniteDifferenceHvp"
          + " with 1 (its num_slices, passed where base_eps goes)")
      .check(Check.positive());

  static final List<Key<?>> KEYS = List.of(MAX_KL, CG_ITERATIONS, CG_DAMPING, LINE_SEARCH_STEPS, BACKTRACK_RATIO,
      FISHER_PRODUCT, DIFFERENCE_BASE);

  @Override
  public GradientTransformation create(double learningRate, Values values) {
    double differenceBase = values.get(FISHER_PRODUCT).equals("central-difference") ? values.get(DIFFERENCE_BASE) : 0;
    return new TrustRegion(values.get(MAX_KL), values.get(CG_ITERATIONS), values.get(CG_DAMPING),
        values.get(LINE_SEARCH_STEPS), values.get(BACKTRACK_RATIO), differenceBase);
  }

  @Override
  public void check(Values values) {
    if (values.get(OuterSettings.CLIP_NORM) > 0) {
      throw new ConfigError(OuterSettings.OPTIMIZER.path() + " = trpo bounds each step by its KL divergence: "
          + OuterSettings.CLIP_NORM.path() + " = " + values.get(OuterSettings.CLIP_NORM) + " cannot be combined with"
          + " it (set 0)");
    }
    if (!values.get(OuterSettings.SCHEDULE).equals("constant")) {
      throw new ConfigError(OuterSettings.OPTIMIZER.path() + " = trpo sets its own step length: "
          + OuterSettings.SCHEDULE.path() + " = " + values.get(OuterSettings.SCHEDULE) + " cannot be combined with it"
          + " (set constant)");
    }
    if (values.get(SparkSettings.MODE) == ExecutionMode.JOBS) {
      throw new ConfigError(OuterSettings.OPTIMIZER.path() + " = trpo runs in barrier mode only (its ~10"
          + " Fisher-vector products and line-search trials per iteration are rounds of the barrier tasks' exchange):"
          + " " + SparkSettings.MODE.path() + " = jobs cannot run it (set barrier or auto)");
    }
  }
}
