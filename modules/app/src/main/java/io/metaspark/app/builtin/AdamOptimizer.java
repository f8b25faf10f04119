package io.metaspark.app.builtin;

import io.metaspark.app.config.Key;
import io.metaspark.app.config.Values;
import io.metaspark.core.optim.Adam;
import io.metaspark.core.optim.GradientTransformation;
import java.util.List;

/** {@code adam}: Adam, its moments' decay rates and epsilon under {@code outer.adam}. */
final class AdamOptimizer {
  static final Key<Double> BETA1 = Key.number("outer.adam.beta1", 0.9, "decay rate of Adam's first moment");
  static final Key<Double> BETA2 = Key.number("outer.adam.beta2", 0.999, "decay rate of Adam's second moment");
  static final Key<Double> EPSILON = Key.number("outer.adam.epsilon", 1e-8, "Adam's epsilon");

  static final List<Key<?>> KEYS = List.of(BETA1, BETA2, EPSILON);

  private AdamOptimizer() {}

  static GradientTransformation create(double lr, Values values) {
    return new Adam(lr, values.get(BETA1), values.get(BETA2), values.get(EPSILON));
  }
}
