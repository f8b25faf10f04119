package io.metaspark.core.eval;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Classification accuracy on a query set: the share of examples whose largest output is at their
 * label's one.
 *
 * <p>Whether a task is classification is read from its labels, not from the model's loss: the
 * {@link io.metaspark.core.model.Learner} view hides the loss, while one-hot label rows of width
 * >= 2 are what every classification task family writes and what no regression family does (the
 * sinusoid's labels are one column of real numbers).
 */
final class QueryAccuracy {
  private QueryAccuracy() {
  }

  static boolean appliesTo(INDArray labels) {
    if (labels.rank() != 2 || labels.size(1) < 2) {
      return false;
    }
    double[][] rows = labels.toDoubleMatrix();
    for (double[] row : rows) {
      int ones = 0;
      for (double v : row) {
        if (v == 1) {
          ones++;
        } else if (v != 0) {
          return false;
        }
      }
      if (ones != 1) {
        return false;
      }
    }
    return true;
  }

  /** The share of rows of {@code outputs} whose argmax is the label's (ties go to the first). */
  static double of(INDArray outputs, INDArray labels) {
    double[][] predicted = outputs.toDoubleMatrix();
    double[][] truth = labels.toDoubleMatrix();
    int correct = 0;
    for (int r = 0; r < truth.length; r++) {
      if (argmax(predicted[r]) == argmax(truth[r])) {
        correct++;
      }
    }
    return (double) correct / truth.length;
  }

  private static int argmax(double[] row) {
    int best = 0;
    for (int j = 1; j < row.length; j++) {
      if (row[j] > row[best]) {
        best = j;
      }
    }
    return best;
  }
}
