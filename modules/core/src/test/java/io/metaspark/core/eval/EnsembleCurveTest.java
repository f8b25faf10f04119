package io.metaspark.core.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.algo.ScalarSgd;
import io.metaspark.core.model.Learner;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.model.NoiseImages;
import io.metaspark.core.model.TinyNetworks;
import io.metaspark.core.task.SinusoidTaskFamily;
import io.metaspark.core.task.TaskData;
import io.metaspark.core.task.TaskDescriptor;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * An ensemble of adapted classifiers against its definition: the softmax of the members' averaged
 * log-probabilities (their averaged logits), each member adapted on its own from its own start.
 */
class EnsembleCurveTest {
  private static final ModelSpec SPEC = TinyNetworks.batchNormConv4();
  private static final TaskData TASK = NoiseImages.episodes(16, 3, 2).sample(new TaskDescriptor(0, 0, 23),
      DataType.DOUBLE);
  private static final int[] STEPS = {0, 1, 3};
  private static final Adaptation SGD = new Adaptation(new ScalarSgd(0.4), 3);

  private static double[] other(double[] theta) {
    double[] out = theta.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] += 0.3 * Math.sin(7.0 * i);
    }
    return out;
  }

  @Test
  void oneModelTwiceIsThatModel() {
    Learner learner = SPEC.newLearner();
    double[] theta = SPEC.initialParams();
    AdaptationCurve single = new AdaptationCurve(STEPS, SGD);
    QueryMeasures alone = single.measure(learner, theta, TASK);
    QueryMeasures twice = new EnsembleCurve(List.of(single, single)).measure(learner, new double[][] {theta, theta},
        TASK);
    // the loss is the ensemble distribution's cross-entropy, which for one model is its own loss
    assertArrayEquals(alone.losses(), twice.losses(), 1e-9);
    assertArrayEquals(alone.accuracies(), twice.accuracies(), 0);
    assertArrayEquals(alone.f1s(), twice.f1s(), 1e-12);
  }

  @Test
  void twoModelsPredictTheSoftmaxOfTheirAveragedLogits() {
    Learner learner = SPEC.newLearner();
    double[] first = SPEC.initialParams();
    double[] second = other(first);
    AdaptationCurve curve = new AdaptationCurve(STEPS, SGD);
    QueryMeasures ensemble = new EnsembleCurve(List.of(curve, curve)).measure(learner,
        new double[][] {first, second}, TASK);
    INDArray labels = TASK.query().labels().castTo(DataType.DOUBLE);
    boolean differsFromAMember = false;
    for (int s = 0; s < STEPS.length; s++) {
      INDArray p1 = learner.outputs(SGD.adapt(learner, first, TASK.support(), STEPS[s]), TASK.query().features())
          .castTo(DataType.DOUBLE);
      INDArray p2 = learner.outputs(SGD.adapt(learner, second, TASK.support(), STEPS[s]), TASK.query().features())
          .castTo(DataType.DOUBLE);
      INDArray q = Transforms.softmax(Transforms.log(p1).add(Transforms.log(p2)).div(2), true);
      double loss = -Transforms.log(q).mul(labels).sumNumber().doubleValue() / labels.rows();
      assertEquals(loss, ensemble.losses()[s], 1e-9, "loss after " + STEPS[s] + " steps");
      assertEquals(QueryAccuracy.of(q, labels), ensemble.accuracies()[s], 0, "accuracy after " + STEPS[s]);
      assertEquals(MacroScores.of(q, labels).f1(), ensemble.f1s()[s], 1e-12, "F1 after " + STEPS[s]);
      differsFromAMember |= Math.abs(loss - learner.loss(SGD.adapt(learner, first, TASK.support(), STEPS[s]),
          TASK.query())) > 1e-6;
    }
    assertTrue(differsFromAMember, "the two members should differ, or this test shows nothing");
  }

  @Test
  void refusesRegressionAndMembersAtOtherStepCounts() {
    ModelSpec mlp = TinyNetworks.tanhMlp("1-10-1");
    TaskData sinusoid = SinusoidTaskFamily.mamlProtocol(5, 5).sample(new TaskDescriptor(0, 0, 3), DataType.DOUBLE);
    AdaptationCurve curve = new AdaptationCurve(STEPS, SGD);
    double[] theta = mlp.initialParams();
    IllegalArgumentException regression = assertThrows(IllegalArgumentException.class,
        () -> new EnsembleCurve(List.of(curve, curve)).measure(mlp.newLearner(), new double[][] {theta, theta},
            sinusoid));
    assertTrue(regression.getMessage().contains("not one class per example"), regression.getMessage());
    IllegalArgumentException steps = assertThrows(IllegalArgumentException.class,
        () -> new EnsembleCurve(List.of(curve, new AdaptationCurve(new int[] {0, 1}, SGD))));
    assertTrue(steps.getMessage().contains("[0, 1, 3] and [0, 1]"), steps.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new EnsembleCurve(List.of(curve)));
  }
}
