package io.metaspark.core.algo;

import io.metaspark.core.model.Learner;
import io.metaspark.core.task.TaskData;

/**
 * MAML's meta-objective, the query loss after adapting the meta-parameters on the support set, and
 * its gradient by central differences: the definition a computed meta-gradient is checked against.
 */
final class MetaObjective {
  private MetaObjective() {}

  static double value(Learner learner, Adaptation inner, double[] theta, TaskData task) {
    return learner.loss(inner.adapt(learner, theta, task.support()), task.query());
  }

  static double[] centralDifferences(Learner learner, Adaptation inner, double[] theta, TaskData task, double h) {
    double[] gradient = new double[theta.length];
    for (int i = 0; i < theta.length; i++) {
      double[] plus = theta.clone();
      double[] minus = theta.clone();
      plus[i] += h;
      minus[i] -= h;
      gradient[i] = (value(learner, inner, plus, task) - value(learner, inner, minus, task)) / (2 * h);
    }
    return gradient;
  }

  /** MAML++'s multi-step loss: sum_j w_j L_query(theta_j) over the iterates the adaptation reaches. */
  static double multiStepLoss(Learner learner, Adaptation adaptation, double[] meta, TaskData task, double[] weights) {
    double sum = 0;
    for (int j = 1; j <= weights.length; j++) {
      sum += weights[j - 1] * learner.loss(adaptation.adapt(learner, meta, task.support(), j), task.query());
    }
    return sum;
  }

  /** ||a - b|| / ||b||. */
  static double relativeError(double[] a, double[] b) {
    double diff = 0;
    double norm = 0;
    for (int i = 0; i < a.length; i++) {
      diff += (a[i] - b[i]) * (a[i] - b[i]);
      norm += b[i] * b[i];
    }
    return Math.sqrt(diff / norm);
  }
}
