package io.metaspark.spark;

import io.metaspark.core.optim.GradientTransformation;
import io.metaspark.core.optim.Update;
import io.metaspark.core.sum.OutcomeSum;
import java.io.Serializable;

/**
 * The outer update of one meta-iteration, behind the divergence guard: a non-finite meta-gradient
 * (or measured query loss) leaves the parameters as they were and marks the iteration skipped.
 * Jobs mode runs it on the driver, barrier mode in every barrier task; one implementation is what
 * makes both modes update, and skip, on exactly the same iterations.
 */
record OuterStep(GradientTransformation optimizer) implements Serializable {

  /** The state after the iteration, the mean meta-gradient's norm, and whether the update was skipped. */
  record Result(TrainingState state, double gradientNorm, boolean skipped) {}

  Result apply(TrainingState state, OutcomeSum.MeanOutcome mean, boolean measured) {
    double gradientNorm = norm(mean.metaGradient());
    boolean lossesFinite = !measured
        || (Double.isFinite(mean.queryLossBefore()) && Double.isFinite(mean.queryLossAfter()));
    long next = state.nextIteration() + 1;
    if (!Double.isFinite(gradientNorm) || !lossesFinite) {
      return new Result(new TrainingState(next, state.params(), state.optimizerState()), gradientNorm, true);
    }
    Update update = optimizer.update(mean.metaGradient(), state.optimizerState(), state.params());
    double[] params = state.params().clone();
    update.applyTo(params);
    return new Result(new TrainingState(next, params, update.state()), gradientNorm, false);
  }

  private static double norm(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v * v;
    }
    return Math.sqrt(s);
  }
}
