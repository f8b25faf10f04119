package io.metaspark.app.builtin;

import io.metaspark.app.config.Check;
import io.metaspark.app.config.Key;
import io.metaspark.app.config.Values;
import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.algo.HessianVectorProduct;
import io.metaspark.core.algo.Maml;
import io.metaspark.core.algo.MetaAlgorithm;
import io.metaspark.core.model.ModelSpec;
import java.util.List;

/** {@code maml}: second-order MAML, and how it multiplies by the support loss's Hessian. */
final class MamlAlgorithm {
  static final Key<String> HESSIAN_PRODUCT = Key.choice("algorithm.hessian-product", "auto",
      List.of("auto", "central-difference"),
      "auto: exact Hessian-vector products on the fast paths, central differences on DL4J's layers;"
          + " central-difference: everywhere").valueBeforeTheKey("central-difference");
  static final Key<Double> HVP_RELATIVE_STEP = Key.number("algorithm.hvp-relative-step", 0,
      "the central difference's step relative to (1 + |theta|); 0 = cube root of the unit roundoff")
      .check(Check.that(step -> step >= 0 && Double.isFinite(step), ">= 0 (0 = automatic)"));

  static final List<Key<?>> KEYS = List.of(HESSIAN_PRODUCT, HVP_RELATIVE_STEP);

  private MamlAlgorithm() {}

  static MetaAlgorithm create(Adaptation adaptation, ModelSpec model, Values values) {
    return new Maml(adaptation, hessianProduct(values));
  }

  /** The Hessian-vector product the config asks for, for every algorithm that differentiates through the inner loop. */
  static HessianVectorProduct hessianProduct(Values values) {
    return HessianVectorProduct.named(values.get(HESSIAN_PRODUCT), values.get(HVP_RELATIVE_STEP));
  }
}
