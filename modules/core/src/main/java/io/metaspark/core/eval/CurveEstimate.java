package io.metaspark.core.eval;

import java.util.List;

/**
 * Means over tasks, with their confidence intervals, of the query loss and (classification only,
 * else null) the query accuracy after each step count.
 */
public record CurveEstimate(MeanEstimate[] losses, MeanEstimate[] accuracies) {

  /** Per step count, over the tasks in the order given; the tasks must all be of one kind. */
  public static CurveEstimate of(List<QueryMeasures> tasks) {
    boolean classification = tasks.get(0).classification();
    if (tasks.stream().anyMatch(t -> t.classification() != classification)) {
      throw new IllegalArgumentException("a mix of classification and regression tasks has no single accuracy");
    }
    int steps = tasks.get(0).losses().length;
    MeanEstimate[] losses = new MeanEstimate[steps];
    MeanEstimate[] accuracies = classification ? new MeanEstimate[steps] : null;
    for (int s = 0; s < steps; s++) {
      int step = s;
      losses[s] = MeanEstimate.of(tasks.stream().mapToDouble(t -> t.losses()[step]).toArray());
      if (classification) {
        accuracies[s] = MeanEstimate.of(tasks.stream().mapToDouble(t -> t.accuracies()[step]).toArray());
      }
    }
    return new CurveEstimate(losses, accuracies);
  }
}
