package io.metaspark.core.eval;

import io.metaspark.core.model.Learner;
import io.metaspark.core.task.Task;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An ensemble of classifiers' query measures after each of a list of step counts: every member
 * adapts from its own meta-parameters, as it was trained to ({@link AdaptationCurve}), on the same
 * task, and the ensemble predicts the softmax of the members' averaged logits, as the MAML++ code
 * reports its test figure (its five best-validation models). The networks give probabilities, not
 * logits; a softmax of averaged log-probabilities is the same distribution, since each member's
 * log-probabilities are its logits less one number per example.
 *
 * <p>The loss is the cross-entropy of the ensemble's distribution, what a softmax classifier's loss
 * is for one model. Regression outputs have no such combination here and are refused.
 */
public final class EnsembleCurve implements Serializable {
  private final List<AdaptationCurve> members;

  /** One curve per member, all at the same step counts. */
  public EnsembleCurve(List<AdaptationCurve> members) {
    if (members.size() < 2) {
      throw new IllegalArgumentException("an ensemble needs at least two members, got " + members.size());
    }
    int[] steps = members.get(0).steps();
    for (AdaptationCurve member : members) {
      if (!Arrays.equals(steps, member.steps())) {
        throw new IllegalArgumentException("ensemble members are measured at different step counts: "
            + Arrays.toString(steps) + " and " + Arrays.toString(member.steps())
            + " (a model adapted by prototypes takes no steps)");
      }
    }
    this.members = List.copyOf(members);
  }

  public int[] steps() {
    return members.get(0).steps();
  }

  /** The ensemble's measures on {@code task}, member i starting from {@code metas[i]}. */
  public QueryMeasures measure(Learner learner, double[][] metas, Task task) {
    if (metas.length != members.size()) {
      throw new IllegalArgumentException(metas.length + " meta-parameter vectors for " + members.size() + " members");
    }
    int[] steps = steps();
    INDArray labels = task.query(members.get(0).networkPart(metas[0]), 0).labels();
    if (!QueryAccuracy.appliesTo(labels)) {
      throw new IllegalArgumentException("an ensemble averages classifiers' logits; these query labels are not one"
          + " class per example");
    }
    double[][][] sumOfLogs = new double[steps.length][][];
    for (int m = 0; m < metas.length; m++) {
      INDArray[] outputs = members.get(m).queryOutputs(learner, metas[m], task);
      for (int s = 0; s < steps.length; s++) {
        double[][] p = outputs[s].toDoubleMatrix();
        if (sumOfLogs[s] == null) {
          sumOfLogs[s] = new double[p.length][p[0].length];
        }
        for (int r = 0; r < p.length; r++) {
          for (int c = 0; c < p[r].length; c++) {
            // a probability that underflowed to 0 counts as the smallest positive double
            sumOfLogs[s][r][c] += Math.log(Math.max(p[r][c], Double.MIN_VALUE));
          }
        }
      }
    }
    double[][] truth = labels.toDoubleMatrix();
    double[] losses = new double[steps.length];
    double[] accuracies = new double[steps.length];
    double[] precisions = new double[steps.length];
    double[] recalls = new double[steps.length];
    double[] f1s = new double[steps.length];
    for (int s = 0; s < steps.length; s++) {
      double[][] q = softmaxOfMean(sumOfLogs[s], metas.length);
      double crossEntropy = 0;
      for (int r = 0; r < q.length; r++) {
        for (int c = 0; c < q[r].length; c++) {
          if (truth[r][c] == 1) {
            crossEntropy -= Math.log(q[r][c]);
          }
        }
      }
      losses[s] = crossEntropy / q.length;
      INDArray probabilities = Nd4j.createFromArray(q).castTo(DataType.DOUBLE);
      accuracies[s] = QueryAccuracy.of(probabilities, labels);
      MacroScores macro = MacroScores.of(probabilities, labels.castTo(DataType.DOUBLE));
      precisions[s] = macro.precision();
      recalls[s] = macro.recall();
      f1s[s] = macro.f1();
    }
    return new QueryMeasures(losses, accuracies, precisions, recalls, f1s);
  }

  /** Row-wise softmax of {@code sums / count}, shifted by each row's largest value so nothing overflows. */
  static double[][] softmaxOfMean(double[][] sums, int count) {
    double[][] q = new double[sums.length][];
    for (int r = 0; r < sums.length; r++) {
      double max = Double.NEGATIVE_INFINITY;
      for (double v : sums[r]) {
        max = Math.max(max, v / count);
      }
      q[r] = new double[sums[r].length];
      double total = 0;
      for (int c = 0; c < q[r].length; c++) {
        q[r][c] = Math.exp(sums[r][c] / count - max);
        total += q[r][c];
      }
      for (int c = 0; c < q[r].length; c++) {
        q[r][c] /= total;
      }
    }
    return q;
  }
}
