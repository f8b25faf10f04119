package io.metaspark.spark;

import io.metaspark.core.optim.GradientTransformation;
import io.metaspark.core.optim.LineSearch;
import io.metaspark.core.optim.MetaBatchCurvature;
import io.metaspark.core.optim.OptimizerState;
import io.metaspark.core.optim.Update;
import io.metaspark.core.sum.OutcomeSum;
import java.io.Serializable;
import java.util.Locale;

/**
 * The outer update of one meta-iteration, behind the divergence guard. The update is skipped (the
 * parameters and optimizer state stay as they were, the iteration is marked skipped) when it is
 * blown up: the mean meta-gradient or a measured query loss is not finite, or the state it would
 * give is not finite (parameters, optimizer moments) or has a parameter whose magnitude reaches
 * {@code maxParameterMagnitude}. The bound catches plain SGD with too large a step: there the
 * parameters grow by orders of magnitude per iteration while every gradient is still finite, and
 * only the state after them overflows. So every state the guard lets through is finite and
 * bounded. Jobs mode runs it on the driver, barrier mode in every barrier task; one implementation
 * is what makes both modes update, and skip, on exactly the same iterations.
 *
 * @param maxParameterMagnitude a parameter at or above this magnitude means the state blew up
 */
record OuterStep(GradientTransformation optimizer, double maxParameterMagnitude) implements Serializable {

  OuterStep {
    if (!(maxParameterMagnitude > 0)) {
      throw new IllegalArgumentException("the parameter magnitude bound must be positive, got " + maxParameterMagnitude);
    }
  }

  /**
   * The state after the iteration, the mean meta-gradient's norm, why the update was skipped (null
   * when it was applied), and what the optimizer's line search did (null without one, or when skipped).
   */
  record Result(TrainingState state, double gradientNorm, String skipReason, LineSearch lineSearch) {
    boolean skipped() {
      return skipReason != null;
    }
  }

  /** @param curvature the meta-batch's, for an optimizer that {@link GradientTransformation#needsCurvature}, else null */
  Result apply(TrainingState state, OutcomeSum.MeanOutcome mean, boolean measured, MetaBatchCurvature curvature) {
    double gradientNorm = norm(mean.metaGradient());
    long next = state.nextIteration() + 1;
    String why;
    if (!Double.isFinite(gradientNorm)) {
      why = "non-finite meta-gradient (or one too large to take its norm)";
    } else if (measured && !(Double.isFinite(mean.queryLossBefore()) && Double.isFinite(mean.queryLossAfter()))) {
      why = "non-finite query loss (" + mean.queryLossBefore() + " before, " + mean.queryLossAfter() + " after)";
    } else {
      Update update = optimizer.update(mean.metaGradient(), state.optimizerState(), state.params(), curvature);
      double[] params = state.params().clone();
      update.applyTo(params);
      why = blownUp(params, update.state());
      if (why == null) {
        return new Result(new TrainingState(next, params, update.state()), gradientNorm, null, update.lineSearch());
      }
    }
    return new Result(new TrainingState(next, state.params(), state.optimizerState()), gradientNorm, why, null);
  }

  /** Why a state counts as blown up, or null when it does not. */
  private String blownUp(double[] params, OptimizerState optimizerState) {
    double largest = 0;
    for (double p : params) {
      if (!Double.isFinite(p)) {
        return "the update gives non-finite parameters";
      }
      largest = Math.max(largest, Math.abs(p));
    }
    if (largest >= maxParameterMagnitude) {
      return String.format(Locale.ROOT, "the update gives a parameter of magnitude %.3g, at or above the bound %.3g",
          largest, maxParameterMagnitude);
    }
    if (!optimizerState.allFinite()) {
      return "the update gives a non-finite optimizer state (" + optimizerState.layout() + ")";
    }
    return null;
  }

  private static double norm(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v * v;
    }
    return Math.sqrt(s);
  }
}
