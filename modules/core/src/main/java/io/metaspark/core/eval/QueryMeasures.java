package io.metaspark.core.eval;

import java.io.Serializable;

/**
 * One task's query loss after each evaluated step count and, for a classification task, its query
 * accuracy at the same step counts ({@code accuracies} is null for regression).
 */
public record QueryMeasures(double[] losses, double[] accuracies) implements Serializable {
  public boolean classification() {
    return accuracies != null;
  }
}
