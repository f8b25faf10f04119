package io.metaspark.app.builtin;

import io.metaspark.app.config.Key;
import io.metaspark.app.config.ModelSettings;
import io.metaspark.app.config.Values;
import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.algo.FirstOrderMaml;
import io.metaspark.core.algo.Maml;
import io.metaspark.core.algo.MetaAlgorithm;
import io.metaspark.core.algo.PerParameterRates;
import io.metaspark.core.model.ModelSpec;
import java.util.List;

/**
 * {@code meta-sgd}: MAML whose inner step takes a learned rate per parameter ({@link PerParameterRates}),
 * starting at {@code algorithm.inner-lr} or drawn from {@code algorithm.meta-sgd.initial-rates}; second
 * order (with MAML's Hessian-vector products) or first order.
 */
final class MetaSgdAlgorithm {
  static final Key<Boolean> FIRST_ORDER = Key.flag("algorithm.meta-sgd.first-order", false,
      "Meta-SGD without the inner steps' Hessians: the rates' and the initialization's first-order gradients");

  static final Key<List<Double>> INITIAL_RATES = Key.numbers("algorithm.meta-sgd.initial-rates", List.of(),
      "[] (every learned rate starts at inner-lr) or [low, high]: each rate starts at its own uniform draw"
          + " from it, from model.seed").check((path, bounds) -> bounds.isEmpty()
              || bounds.size() == 2 && bounds.get(0) > 0 && bounds.get(0) <= bounds.get(1)
              && Double.isFinite(bounds.get(1)) ? null
              : path + " must be [] or [low, high] with 0 < low <= high, got " + bounds);

  static final List<Key<?>> KEYS = List.of(FIRST_ORDER, INITIAL_RATES, MamlAlgorithm.HESSIAN_PRODUCT,
      MamlAlgorithm.HVP_RELATIVE_STEP);

  private MetaSgdAlgorithm() {}

  static MetaAlgorithm create(Adaptation adaptation, ModelSpec model, Values values) {
    double rate = adaptation.rule().learningRate();
    List<Double> range = values.get(INITIAL_RATES);
    PerParameterRates rates = range.isEmpty() ? new PerParameterRates(model.layout().total(), rate)
        : new PerParameterRates(model.layout().total(), rate, range.get(0), range.get(1), values.get(ModelSettings.SEED));
    Adaptation learnedRates = new Adaptation(rates, adaptation.steps());
    return values.get(FIRST_ORDER) ? new FirstOrderMaml(learnedRates)
        : new Maml(learnedRates, MamlAlgorithm.hessianProduct(values));
  }
}
