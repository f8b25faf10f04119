package io.metaspark.core.eval;

import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Macro-averaged precision, recall and F1 of one task's query predictions (argmax of the outputs
 * against one-hot labels), from DL4J's {@link Evaluation} counts.
 *
 * <p>Every one of the N classes counts in each average, and a class's undefined value (0/0: a class
 * never predicted has no precision, and then no F1) counts as 0, as scikit-learn's
 * {@code zero_division=0}. DL4J's own macro averages instead leave such classes out, which lifts a
 * model that answers one class for everything to a 5-way macro F1 of 1/3, above its 20% accuracy,
 * and its {@code f1()} for two classes is class 1's binary F1 rather than a macro average.
 */
public record MacroScores(double precision, double recall, double f1) {

  public static MacroScores of(INDArray outputs, INDArray labels) {
    int classes = (int) labels.size(1);
    Evaluation evaluation = new Evaluation(classes);
    evaluation.eval(labels, outputs);
    double precision = 0;
    double recall = 0;
    double f1 = 0;
    for (int c = 0; c < classes; c++) {
      precision += evaluation.precision(c, 0.0);
      recall += evaluation.recall(c, 0.0);
      f1 += evaluation.fBeta(1.0, c, 0.0);
    }
    return new MacroScores(precision / classes, recall / classes, f1 / classes);
  }
}
