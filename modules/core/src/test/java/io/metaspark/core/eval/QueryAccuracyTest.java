package io.metaspark.core.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.algo.ScalarSgd;
import io.metaspark.core.model.Learner;
import io.metaspark.core.model.MlpShorthand;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.model.TinyNetworks;
import io.metaspark.core.task.Examples;
import io.metaspark.core.task.SinusoidTaskFamily;
import io.metaspark.core.task.TaskData;
import io.metaspark.core.task.TaskDescriptor;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class QueryAccuracyTest {
  private static final INDArray THREE_WAY = Nd4j.createFromArray(new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}});

  @Test
  void onlyOneHotLabelsOfTwoOrMoreColumnsAreClassification() {
    assertTrue(QueryAccuracy.appliesTo(THREE_WAY));
    assertFalse(QueryAccuracy.appliesTo(Nd4j.createFromArray(new double[][] {{1.0}, {0.0}})), "one column");
    assertFalse(QueryAccuracy.appliesTo(Nd4j.createFromArray(new double[][] {{0.5, 0.5}, {0, 1}})), "soft labels");
    assertFalse(QueryAccuracy.appliesTo(Nd4j.createFromArray(new double[][] {{1, 1}, {0, 1}})), "two ones");
  }

  @Test
  void accuracyIsTheShareOfRowsWhoseLargestOutputIsTheLabel() {
    INDArray outputs = Nd4j.createFromArray(new double[][] {{0.7, 0.2, 0.1}, {0.5, 0.3, 0.2}, {0.1, 0.1, 0.8}});
    assertEquals(2.0 / 3, QueryAccuracy.of(outputs, THREE_WAY), 1e-15);
  }

  @Test
  void classificationTasksGetAnAccuracyPerStepCountThatAdaptationRaises() {
    ModelSpec spec = MlpShorthand.parse("3-3").outputActivation("softmax").loss("mcxent")
        .dataType(DataType.DOUBLE).seed(4).toSpec();
    Examples examples = new Examples(THREE_WAY.dup(), THREE_WAY.dup());
    TaskData task = new TaskData(new TaskDescriptor(0, 0, 1), examples, examples);
    double[] theta = spec.initialParams();
    QueryMeasures m = new AdaptationCurve(new int[] {0, 200}, new Adaptation(new ScalarSgd(1.0), 1))
        .measure(spec.newLearner(), theta, task);

    INDArray before = spec.newDl4jLearner().network(theta).output(THREE_WAY, false);
    assertEquals(QueryAccuracy.of(before, THREE_WAY), m.accuracies()[0], 1e-15);
    assertEquals(1.0, m.accuracies()[1], "200 steps fit three separable points");
    assertTrue(m.losses()[1] < m.losses()[0]);
  }

  @Test
  void regressionTasksHaveLossesOnly() {
    ModelSpec spec = TinyNetworks.tanhMlp("1-10-1");
    TaskData task = SinusoidTaskFamily.mamlProtocol(10, 10).sample(new TaskDescriptor(0, 0, 8), DataType.DOUBLE);
    AdaptationCurve curve = new AdaptationCurve(new int[] {0, 1}, new Adaptation(new ScalarSgd(0.01), 1));
    QueryMeasures m = curve.measure(spec.newLearner(), spec.initialParams(), task);
    assertNull(m.accuracies());
    assertEquals(2, m.losses().length);
  }

  @Test
  void theFastPathsOutputsAreDl4js() {
    ModelSpec spec = TinyNetworks.tanhMlp("1-6-5-1");
    Learner fast = spec.newLearner();
    assertFalse(fast instanceof io.metaspark.core.model.Dl4jLearner, "a tanh MLP runs on the fast path");
    double[] theta = spec.initialParams();
    INDArray x = SinusoidTaskFamily.mamlProtocol(7, 3).sample(new TaskDescriptor(0, 0, 99), DataType.DOUBLE)
        .support().features();
    assertArrayEquals(spec.newDl4jLearner().outputs(theta, x).toDoubleVector(), fast.outputs(theta, x).toDoubleVector(),
        1e-12);
  }
}
