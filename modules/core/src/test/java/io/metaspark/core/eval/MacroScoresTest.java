package io.metaspark.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.algo.ScalarSgd;
import io.metaspark.core.model.MlpShorthand;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.task.Examples;
import io.metaspark.core.task.TaskData;
import io.metaspark.core.task.TaskDescriptor;
import org.junit.jupiter.api.Test;
import org.nd4j.evaluation.EvaluationAveraging;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class MacroScoresTest {
  private static INDArray oneHot(int classes, int... labels) {
    double[][] rows = new double[labels.length][classes];
    for (int i = 0; i < labels.length; i++) {
      rows[i][labels[i]] = 1;
    }
    return Nd4j.createFromArray(rows);
  }

  /** Outputs whose argmax is the given class, not one-hot, to show only the argmax matters. */
  private static INDArray predicting(int classes, int... predicted) {
    double[][] rows = new double[predicted.length][classes];
    for (int i = 0; i < predicted.length; i++) {
      java.util.Arrays.fill(rows[i], 0.1);
      rows[i][predicted[i]] = 0.6;
    }
    return Nd4j.createFromArray(rows);
  }

  /**
   * 3-way, two examples per class, class 2 never predicted:
   * <pre>
   *   true 0 -> 0, 1     class 0: TP 1, FP 1, FN 1: P 1/2, R 1/2, F1 1/2
   *   true 1 -> 1, 1     class 1: TP 2, FP 2, FN 0: P 1/2, R 1,   F1 2/3
   *   true 2 -> 1, 0     class 2: TP 0, FP 0, FN 2: P 0/0 -> 0, R 0, F1 0
   * </pre>
   * Macro: P = 1/3, R = 1/2 (the accuracy: balanced classes), F1 = (1/2 + 2/3) / 3 = 7/18.
   */
  @Test
  void aNeverPredictedClassCountsAsZeroInEveryMacroAverage() {
    INDArray labels = oneHot(3, 0, 0, 1, 1, 2, 2);
    INDArray outputs = predicting(3, 0, 1, 1, 1, 1, 0);
    MacroScores scores = MacroScores.of(outputs, labels);
    assertEquals(1.0 / 3, scores.precision(), 1e-12);
    assertEquals(1.0 / 2, scores.recall(), 1e-12);
    assertEquals(7.0 / 18, scores.f1(), 1e-12);
    assertEquals(QueryAccuracy.of(outputs, labels), scores.recall(), 1e-12);

    // DL4J's own macro averages leave class 2 out: the convention we do not follow
    Evaluation dl4j = new Evaluation(3);
    dl4j.eval(labels, outputs);
    assertEquals(1.0 / 2, dl4j.precision(EvaluationAveraging.Macro), 1e-12);
    assertEquals(7.0 / 12, dl4j.f1(EvaluationAveraging.Macro), 1e-12);
  }

  /**
   * 2-way, true 0 0 0 1 predicted 0 0 1 1: class 0 P 1, R 2/3, F1 4/5; class 1 P 1/2, R 1, F1 2/3.
   * Macro F1 11/15, where DL4J's f1() for two classes is class 1's 2/3.
   */
  @Test
  void twoClassesAreMacroAveragedToo() {
    INDArray labels = oneHot(2, 0, 0, 0, 1);
    INDArray outputs = predicting(2, 0, 0, 1, 1);
    MacroScores scores = MacroScores.of(outputs, labels);
    assertEquals(3.0 / 4, scores.precision(), 1e-12);
    assertEquals(5.0 / 6, scores.recall(), 1e-12);
    assertEquals(11.0 / 15, scores.f1(), 1e-12);
    Evaluation dl4j = new Evaluation(2);
    dl4j.eval(labels, outputs);
    assertEquals(2.0 / 3, dl4j.f1(EvaluationAveraging.Macro), 1e-12);
  }

  @Test
  void theCurveAveragesTheScoresOverTasksPerStepCount() {
    ModelSpec spec = MlpShorthand.parse("3-3").outputActivation("softmax").loss("mcxent")
        .dataType(org.nd4j.linalg.api.buffer.DataType.DOUBLE).seed(4).toSpec();
    INDArray threeWay = oneHot(3, 0, 1, 2);
    Examples examples = new Examples(threeWay.dup(), threeWay.dup());
    TaskData task = new TaskData(new TaskDescriptor(0, 0, 1), examples, examples);
    QueryMeasures m = new AdaptationCurve(new int[] {0, 200}, new Adaptation(new ScalarSgd(1.0), 1))
        .measure(spec.newLearner(), spec.initialParams(), task);
    assertEquals(1.0, m.f1s()[1], "200 steps fit three separable points");
    assertEquals(1.0, m.precisions()[1]);

    CurveEstimate estimate = CurveEstimate.of(java.util.List.of(m, m));
    assertEquals(m.f1s()[0], estimate.f1s()[0].mean(), 1e-15);
    assertEquals(0, estimate.recalls()[1].halfWidth95(), 1e-15);

    QueryMeasures regression = new QueryMeasures(new double[] {1, 2}, null, null, null, null);
    assertNull(CurveEstimate.of(java.util.List.of(regression)).f1s());
  }
}
