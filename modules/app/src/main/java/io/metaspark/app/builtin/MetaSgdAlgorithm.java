package io.metaspark.app.builtin;

import io.metaspark.app.config.Key;
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
 * starting at {@code algorithm.inner-lr}; second order (with MAML's Hessian-vector products) or first order.
 */
final class MetaSgdAlgorithm {
  static final Key<Boolean> FIRST_ORDER = Key.flag("algorithm.meta-sgd.first-order", false,
      "Meta-SGD without the inner steps' Hessians: the rates' and the initialization's first-order gradients");

  static final List<Key<?>> KEYS = List.of(FIRST_ORDER, MamlAlgorithm.HESSIAN_PRODUCT, MamlAlgorithm.HVP_RELATIVE_STEP);

  private MetaSgdAlgorithm() {}

  static MetaAlgorithm create(Adaptation adaptation, ModelSpec model, Values values) {
    PerParameterRates rates = new PerParameterRates(model.layout().total(), adaptation.rule().learningRate());
    Adaptation learnedRates = new Adaptation(rates, adaptation.steps());
    return values.get(FIRST_ORDER) ? new FirstOrderMaml(learnedRates)
        : new Maml(learnedRates, MamlAlgorithm.hessianProduct(values));
  }
}
