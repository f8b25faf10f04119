package io.metaspark.core.eval;

import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.algo.PrototypeEpisode;
import io.metaspark.core.model.Learner;
import io.metaspark.core.task.Examples;
import io.metaspark.core.task.Task;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Query loss after each of a list of adaptation step counts (e.g. 0, 1, 10), adapting as the
 * algorithm does ({@link Adaptation}), from one run of the steps: they are taken once and the loss
 * is read off on the way.
 */
public final class AdaptationCurve implements java.io.Serializable {
  private final int[] steps;
  private final Adaptation adaptation;

  public AdaptationCurve(int[] steps, Adaptation adaptation) {
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
    // prototypes take no steps: one row, the network as it is
    this.steps = adaptation.byPrototypes() ? new int[] {0} : sorted;
    this.adaptation = adaptation;
  }

  public int[] steps() {
    return steps.clone();
  }

  /** The network's part of {@code meta}, where a supervised task's query set is read. */
  double[] networkPart(double[] meta) {
    return adaptation.networkPart(meta);
  }

  /**
   * The network's query outputs (for classification, its class probabilities) after each step count,
   * for the model with meta-parameters {@code meta}: what an {@link EnsembleCurve} combines.
   */
  INDArray[] queryOutputs(Learner learner, double[] meta, Task task) {
    double[] theta = adaptation.networkPart(meta);
    Examples support = task.support(theta, 0);
    if (adaptation.byPrototypes()) {
      return new INDArray[] {PrototypeEpisode.embed(learner, theta, support, task.query(theta, 0).features())
          .probabilities()};
    }
    INDArray[] outputs = new INDArray[steps.length];
    // a learner may hand back its own buffer: each step's outputs are copied before the next step
    adaptation.adaptThrough(learner, meta, support, steps,
        (i, adapted) -> outputs[i] = learner.outputs(adapted, task.query(adapted, 0).features()).dup());
    return outputs;
  }

  /**
   * Query loss, and for classification tasks accuracy and macro precision, recall and F1, one per step
   * count in ascending order, for the model with meta-parameters {@code meta}.
   */
  public QueryMeasures measure(Learner learner, double[] meta, Task task) {
    double[] theta = adaptation.networkPart(meta);
    Examples support = task.support(theta, 0);
    if (adaptation.byPrototypes()) {
      return byPrototypes(learner, theta, support, task.query(theta, 0));
    }
    boolean classification = QueryAccuracy.appliesTo(task.query(theta, 0).labels());
    double[] losses = new double[steps.length];
    double[] accuracies = classification ? new double[steps.length] : null;
    double[] precisions = classification ? new double[steps.length] : null;
    double[] recalls = classification ? new double[steps.length] : null;
    double[] f1s = classification ? new double[steps.length] : null;
    adaptation.adaptThrough(learner, meta, support, steps, (i, adapted) -> {
      Examples query = task.query(adapted, 0);
      losses[i] = learner.loss(adapted, query);
      if (classification) {
        INDArray outputs = learner.outputs(adapted, query.features());
        accuracies[i] = QueryAccuracy.of(outputs, query.labels());
        MacroScores macro = MacroScores.of(outputs, query.labels());
        precisions[i] = macro.precision();
        recalls[i] = macro.recall();
        f1s[i] = macro.f1();
      }
    });
    return new QueryMeasures(losses, accuracies, precisions, recalls, f1s);
  }

  /** The one row of {@link Adaptation#prototypes()}: the queries classified by the support set's prototypes. */
  private static QueryMeasures byPrototypes(Learner learner, double[] theta, Examples support, Examples query) {
    PrototypeEpisode episode = PrototypeEpisode.embed(learner, theta, support, query.features());
    INDArray probabilities = episode.probabilities();
    MacroScores macro = MacroScores.of(probabilities, query.labels());
    return new QueryMeasures(new double[] {episode.loss(PrototypeEpisode.values(query.labels()))},
        new double[] {QueryAccuracy.of(probabilities, query.labels())}, new double[] {macro.precision()},
        new double[] {macro.recall()}, new double[] {macro.f1()});
  }
}
