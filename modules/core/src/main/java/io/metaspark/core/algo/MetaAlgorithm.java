package io.metaspark.core.algo;

import io.metaspark.core.model.Learner;
import io.metaspark.core.task.Task;
import java.io.Serializable;
import java.util.Locale;

/** A meta-learning algorithm: what one task contributes to the update of the shared initialization. */
public interface MetaAlgorithm extends Serializable {
  /**
   * @param measure also report the query loss before and after adaptation (costs forward passes
   *     that the update itself may not need, so callers ask only on iterations they log)
   */
  TaskOutcome compute(Learner learner, double[] theta, Task task, boolean measure);

  InnerLoop innerLoop();

  /**
   * Examples that go through a forward and backward pass in one {@link #compute} without
   * measuring, for support and query sets of these sizes: the work a FLOP count multiplies.
   */
  long gradientExamples(int supportSize, int querySize);

  String name();

  /** "maml", "fomaml" or "reptile". */
  static MetaAlgorithm named(String name, InnerLoop innerLoop, HessianVectorProduct hvp) {
    return switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "maml" -> new Maml(innerLoop, hvp);
      case "fomaml" -> new FirstOrderMaml(innerLoop);
      case "reptile" -> new Reptile(innerLoop);
      default -> throw new IllegalArgumentException(
          "unknown algorithm '" + name + "'; expected one of maml, fomaml, reptile");
    };
  }
}
