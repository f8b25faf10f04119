package io.metaspark.app.builtin;

import io.metaspark.app.config.OptimizerType;
import io.metaspark.app.config.Values;
import io.metaspark.core.optim.GradientTransformation;
import io.metaspark.core.optim.Sgd;

/** {@code sgd}: plain gradient descent. */
final class SgdOptimizer implements OptimizerType {
  @Override
  public String name() {
    return "sgd";
  }

  @Override
  public GradientTransformation create(double learningRate, Values values) {
    return new Sgd(learningRate);
  }
}
