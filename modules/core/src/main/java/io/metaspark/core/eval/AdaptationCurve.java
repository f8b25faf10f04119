package io.metaspark.core.eval;

import io.metaspark.core.algo.InnerLoop;
import io.metaspark.core.model.Learner;
import io.metaspark.core.task.Examples;
import io.metaspark.core.task.Task;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Query loss after each of a list of adaptation step counts (e.g. 0, 1, 10), from one run of the
 * inner loop: the steps are taken once and the loss is read off on the way.
 */
public final class AdaptationCurve implements java.io.Serializable {
  private final int[] steps;
  private final double learningRate;

  public AdaptationCurve(int[] steps, double learningRate) {
    if (steps.length == 0) {
      throw new IllegalArgumentException("no step counts to evaluate at");
    }
    int[] sorted = steps.clone();
    Arrays.sort(sorted);
    if (sorted[0] < 0) {
      throw new IllegalArgumentException("step counts must be >= 0, got " + sorted[0]);
    }
    for (int i = 1; i < sorted.length; i++) {
      if (sorted[i] == sorted[i - 1]) {
        throw new IllegalArgumentException("step count " + sorted[i] + " is listed twice");
      }
    }
    this.steps = sorted;
    this.learningRate = learningRate;
  }

  public int[] steps() {
    return steps.clone();
  }

  /**
   * Query loss, and for classification tasks accuracy and macro precision, recall and F1, one per step
   * count in ascending order.
   */
  public QueryMeasures measure(Learner learner, double[] theta, Task task) {
    InnerLoop oneStep = new InnerLoop(1, learningRate);
    Examples support = task.support(theta, 0);
    boolean classification = QueryAccuracy.appliesTo(task.query(theta, 0).labels());
    double[] losses = new double[steps.length];
    double[] accuracies = classification ? new double[steps.length] : null;
    double[] precisions = classification ? new double[steps.length] : null;
    double[] recalls = classification ? new double[steps.length] : null;
    double[] f1s = classification ? new double[steps.length] : null;
    double[] current = theta;
    int done = 0;
    for (int i = 0; i < steps.length; i++) {
      for (; done < steps[i]; done++) {
        current = oneStep.adapt(learner, current, support);
      }
      Examples query = task.query(current, 0);
      losses[i] = learner.loss(current, query);
      if (classification) {
        INDArray outputs = learner.outputs(current, query.features());
        accuracies[i] = QueryAccuracy.of(outputs, query.labels());
        MacroScores macro = MacroScores.of(outputs, query.labels());
        precisions[i] = macro.precision();
        recalls[i] = macro.recall();
        f1s[i] = macro.f1();
      }
    }
    return new QueryMeasures(losses, accuracies, precisions, recalls, f1s);
  }
}
