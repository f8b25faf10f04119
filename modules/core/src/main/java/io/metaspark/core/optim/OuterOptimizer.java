package io.metaspark.core.optim;

import java.io.Serializable;

/**
 * An optimizer as a pure function of (gradient, state), in the style of optax: no hidden fields,
 * so the state can be checkpointed and a resumed run continues bit-identically.
 */
public interface OuterOptimizer extends Serializable {
  OptimizerState init(int numParams);

  Update update(double[] gradient, OptimizerState state);

  String name();
}
