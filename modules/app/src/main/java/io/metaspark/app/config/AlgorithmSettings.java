package io.metaspark.app.config;

import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.algo.ScalarSgd;
import java.util.List;

/** {@code algorithm}: the meta-learning algorithm ({@link AlgorithmType}) and how it adapts to a task. */
public record AlgorithmSettings(AlgorithmType type, int innerSteps, double innerLr) {
  public static final Key<String> NAME = Key.name("algorithm.name", "maml",
      "the algorithm: maml (second order), fomaml (first order), reptile, meta-sgd (learned per-parameter rates),"
          + " maml-plus-plus (MAML++'s training parts), anil (the inner loop adapts the last layer only),"
          + " learned-optimizer (a learned update network takes the steps), maml-rl, fomaml-rl or reptile-rl"
          + " (policy-gradient MAML or Reptile on environment tasks)");
  public static final Key<Integer> INNER_STEPS = Key.integer("algorithm.inner-steps", 1,
      "gradient steps of adaptation to a task's support set").check(Check.atLeast(0));
  public static final Key<Double> INNER_LR = Key.number("algorithm.inner-lr", 0.01,
      "the step size of adaptation").check(Check.positive());
  static final List<Key<?>> KEYS = List.of(INNER_STEPS, INNER_LR);

  /** Adaptation as training does it: inner-steps steps of SGD at inner-lr. */
  public Adaptation adaptation() {
    return new Adaptation(new ScalarSgd(innerLr), innerSteps);
  }
}
