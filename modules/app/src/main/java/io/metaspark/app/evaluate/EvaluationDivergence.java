package io.metaspark.app.evaluate;

import java.util.Locale;
import java.util.Optional;

/**
 * Whether adaptation blew up in an evaluation: a mean query loss that is not finite after some
 * step count (one task whose adaptation overflowed is enough), or one more than
 * {@link #ABSURD_FACTOR} times the loss before adaptation. Such numbers are no result to report
 * as if nothing happened: train and evaluate write them, warn, and end with exit code 4.
 */
final class EvaluationDivergence {
  /** Adaptation that makes the loss a thousand times worse than no adaptation at all has diverged. */
  static final double ABSURD_FACTOR = 1000;

  private EvaluationDivergence() {}

  /** The warning, with every step count's mean loss, or empty when the evaluation's losses are plausible. */
  static Optional<String> of(AdaptationEvaluation evaluation) {
    int[] steps = evaluation.steps();
    double before = Double.NaN;
    for (int i = 0; i < steps.length; i++) {
      if (steps[i] == 0) {
        before = evaluation.estimate().losses()[i].mean();
      }
    }
    boolean diverged = false;
    StringBuilder losses = new StringBuilder();
    for (int i = 0; i < steps.length; i++) {
      double loss = evaluation.estimate().losses()[i].mean();
      diverged |= !Double.isFinite(loss) || (steps[i] > 0 && loss > ABSURD_FACTOR * Math.abs(before));
      losses.append(i == 0 ? "" : ", ").append(AdaptationEvaluation.number(loss))
          .append(steps[i] == 0 ? " before adaptation" : " after " + steps[i] + (steps[i] == 1 ? " step" : " steps"));
    }
    if (!diverged) {
      return Optional.empty();
    }
    AdaptationEvaluation.LearnedRule learned = evaluation.learnedRule();
    if (learned != null) {
      // a lower inner-lr would not help: the rates are the model's own, learned for its inner steps only
      return Optional.of(String.format(Locale.ROOT, "evaluation diverged (mean query loss %s; more than %.0f times"
          + " the loss before adaptation, or not finite, is diverged): the results are written, but this model's"
          + " steps are meta-learned (%s) for %d inner step%s, and nothing in training keeps them stable when"
          + " repeated past that: evaluate at most %d step%s (evaluate.steps), or train with"
          + " algorithm.inner-steps as many as you will adapt with",
          losses, ABSURD_FACTOR, learned.name(), learned.trainedSteps(), learned.trainedSteps() == 1 ? "" : "s",
          learned.trainedSteps(), learned.trainedSteps() == 1 ? "" : "s"));
    }
    return Optional.of(String.format(Locale.ROOT, "evaluation diverged at inner lr %s (mean query loss %s; more than"
        + " %.0f times the loss before adaptation, or not finite, is diverged): the results are written, but"
        + " adaptation does not work at this step size: train with a lower algorithm.inner-lr (evaluate adapts"
        + " at the model's own, model.json's inner_lr), or evaluate fewer steps (evaluate.steps)",
        evaluation.innerLearningRate(), losses, ABSURD_FACTOR));
  }
}
