package io.metaspark.core.algo;

import io.metaspark.core.model.Learner;
import io.metaspark.core.task.Task;
import java.io.Serializable;

/**
 * A meta-learning algorithm: its meta-parameters, how it adapts to a task, and what one task
 * contributes to the update of the meta-parameters. As in learn2learn, the update rule is the
 * algorithm's: everything that adapts a model (validation, evaluation, the baselines, {@code adapt},
 * the export) asks the algorithm's {@link #adaptation}, so nothing can adapt differently from training.
 *
 * <p>The meta-parameters are the network's parameters, followed by whatever else the algorithm
 * learns (learned inner learning rates: see {@link UpdateRule}); {@link #init} builds them from the
 * network's initial parameters and {@link #networkPart} takes the network's back.
 */
public interface MetaAlgorithm extends Serializable {
  /** How this algorithm adapts to a task's support set. */
  Adaptation adaptation();

  /** The meta-parameters meta-training starts from, for the network's initial parameters. */
  default double[] init(double[] networkParams) {
    return adaptation().initialMeta(networkParams);
  }

  /** The network's parameters in the meta-parameters (the meta-parameters themselves when they are only the network's). */
  default double[] networkPart(double[] meta) {
    return adaptation().networkPart(meta);
  }

  /**
   * The task's contribution: the direction the outer optimizer descends, with respect to the
   * meta-parameters (as long as {@code meta}).
   *
   * @param measure also report the query loss before and after adaptation (costs forward passes
   *     that the update itself may not need, so callers ask only on iterations they log)
   */
  TaskOutcome compute(Learner learner, double[] meta, Task task, boolean measure);

  /**
   * Examples that go through a forward and backward pass in one {@link #compute} without
   * measuring, for support and query sets of these sizes: the work a FLOP count multiplies.
   */
  long gradientExamples(int supportSize, int querySize);

  String name();

  /**
   * Whether {@link #compute} may ask the learner for Hessian-vector products of the network's loss.
   * The default, yes, keeps {@code model.learner = auto} on a learner with exact ones; an algorithm
   * that never asks lets auto take a faster learner without them ({@link
   * io.metaspark.core.model.LearnerChoice#resolvedFor}).
   */
  default boolean usesHessianProducts() {
    return true;
  }

  /** For algorithms that have no gradient for a rule's learned values: refuses such a rule, naming it. */
  static void requireNothingLearned(String algorithm, Adaptation adaptation) {
    if (adaptation.rule().learnedValues() > 0) {
      throw new IllegalArgumentException(algorithm + " has no meta-gradient for the values the "
          + adaptation.rule().name() + " rule learns; MAML and first-order MAML have");
    }
  }
}
