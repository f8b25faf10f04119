package io.metaspark.core.eval;

import java.util.List;
import java.util.function.Function;

/**
 * Means over tasks, with their confidence intervals, of the query loss and (classification only,
 * else null) the query accuracy and macro precision, recall and F1 after each step count.
 */
public record CurveEstimate(MeanEstimate[] losses, MeanEstimate[] accuracies, MeanEstimate[] precisions,
    MeanEstimate[] recalls, MeanEstimate[] f1s) {

  /** Per step count, over the tasks in the order given; the tasks must all be of one kind. */
  public static CurveEstimate of(List<QueryMeasures> tasks) {
    boolean classification = tasks.get(0).classification();
    if (tasks.stream().anyMatch(t -> t.classification() != classification)) {
      throw new IllegalArgumentException("a mix of classification and regression tasks has no single accuracy");
    }
    MeanEstimate[] losses = perStep(tasks, QueryMeasures::losses);
    if (!classification) {
      return new CurveEstimate(losses, null, null, null, null);
    }
    return new CurveEstimate(losses, perStep(tasks, QueryMeasures::accuracies), perStep(tasks, QueryMeasures::precisions),
        perStep(tasks, QueryMeasures::recalls), perStep(tasks, QueryMeasures::f1s));
  }

  private static MeanEstimate[] perStep(List<QueryMeasures> tasks, Function<QueryMeasures, double[]> measure) {
    int steps = tasks.get(0).losses().length;
    MeanEstimate[] out = new MeanEstimate[steps];
    for (int s = 0; s < steps; s++) {
      int step = s;
      out[s] = MeanEstimate.of(tasks.stream().mapToDouble(t -> measure.apply(t)[step]).toArray());
    }
    return out;
  }

  public boolean classification() {
    return accuracies != null;
  }
}
