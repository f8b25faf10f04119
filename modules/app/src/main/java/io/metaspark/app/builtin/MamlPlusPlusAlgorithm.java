package io.metaspark.app.builtin;

import io.metaspark.app.config.Check;
import io.metaspark.app.config.Key;
import io.metaspark.app.config.Values;
import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.algo.MamlPlusPlus;
import io.metaspark.core.algo.MetaAlgorithm;
import io.metaspark.core.algo.PerLayerPerStepRates;
import io.metaspark.core.algo.PerStepBatchNorm;
import io.metaspark.core.algo.UpdateRule;
import io.metaspark.core.model.BatchNormParameters;
import io.metaspark.core.model.ModelSpec;
import java.util.List;

/**
 * {@code maml-plus-plus}: MAML++'s training-time parts, each switchable by its key; cosine annealing
 * of the outer rate is {@code outer.schedule = cosine}.
 */
final class MamlPlusPlusAlgorithm {
  static final Key<Boolean> LEARNED_RATES = Key.flag("algorithm.maml-plus-plus.learned-rates", true,
      "learn an inner rate per layer and inner step, from inner-lr (false: inner-lr for all)");
  static final Key<Long> MULTI_STEP_LOSS_ITERATIONS = Key.longInteger(
      "algorithm.maml-plus-plus.multi-step-loss-iterations", 0,
      "iterations whose objective is the query loss after every inner step, the earlier steps' weights annealed"
          + " from 1/k to 0.03/k (0 = off: the last step's loss only)").check(Check.atLeast(0L));
  static final Key<Long> FIRST_ORDER_ITERATIONS = Key.longInteger("algorithm.maml-plus-plus.first-order-iterations", 0,
      "iterations computed first order (Hessians taken as zero) before exact second order (0 = off)")
      .check(Check.atLeast(0L));

  static final Key<Boolean> PER_STEP_BATCH_NORM = Key.flag("algorithm.maml-plus-plus.per-step-batch-norm", false,
      "batch norm's gamma and beta not adapted in the inner loop, a meta-learned set per inner step (BNWB);"
          + " needs a network with batch norm").onlyWhereSelected();

  static final List<Key<?>> KEYS = List.of(LEARNED_RATES, MULTI_STEP_LOSS_ITERATIONS, FIRST_ORDER_ITERATIONS,
      PER_STEP_BATCH_NORM, MamlAlgorithm.HESSIAN_PRODUCT, MamlAlgorithm.HVP_RELATIVE_STEP);

  private MamlPlusPlusAlgorithm() {}

  static MetaAlgorithm create(Adaptation adaptation, ModelSpec model, Values values) {
    int steps = adaptation.steps();
    UpdateRule rule = values.get(LEARNED_RATES)
        ? new PerLayerPerStepRates(model.layout(), steps, adaptation.rule().learningRate())
        : adaptation.rule();
    if (values.get(PER_STEP_BATCH_NORM)) {
      rule = new PerStepBatchNorm(rule, BatchNormParameters.affine(model.newNetwork()), steps);
    }
    return new MamlPlusPlus(new Adaptation(rule, steps), MamlAlgorithm.hessianProduct(values),
        values.get(MULTI_STEP_LOSS_ITERATIONS), values.get(FIRST_ORDER_ITERATIONS));
  }
}
