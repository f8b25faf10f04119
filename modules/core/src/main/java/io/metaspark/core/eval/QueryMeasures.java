package io.metaspark.core.eval;

import java.io.Serializable;

/**
 * One task's query loss after each evaluated step count and, for a classification task, its query
 * accuracy and macro precision, recall and F1 ({@link MacroScores}) at the same step counts (all four
 * null for regression).
 */
public record QueryMeasures(double[] losses, double[] accuracies, double[] precisions, double[] recalls,
    double[] f1s) implements Serializable {

  public boolean classification() {
    return accuracies != null;
  }
}
