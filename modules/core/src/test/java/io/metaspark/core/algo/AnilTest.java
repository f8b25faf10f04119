package io.metaspark.core.algo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.core.model.Conv4;
import io.metaspark.core.model.HeadSplit;
import io.metaspark.core.model.Learner;
import io.metaspark.core.model.MlpShorthand;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.model.NoiseImages;
import io.metaspark.core.model.ParameterInit;
import io.metaspark.core.task.SinusoidTaskFamily;
import io.metaspark.core.task.TaskData;
import io.metaspark.core.task.TaskDescriptor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * ANIL's fast path (features once, the head's steps on the features) against its definition,
 * second-order MAML through {@link HeadOnlySgd} on the whole network; that definition against
 * central differences of the meta-objective at kink-free coordinates, at a random and at a partly
 * trained point; and the error for a network with no separable head.
 */
class AnilTest {
  private static final SinusoidTaskFamily SINUSOID = SinusoidTaskFamily.mamlProtocol(10, 10);
  private static final ModelSpec MLP =
      MlpShorthand.parse("1-40-40-1").activation("relu").dataType(DataType.DOUBLE).seed(1).toSpec();

  private static Maml reference(Anil anil) {
    return new Maml(anil.adaptation(), HessianVectorProduct.exactWhereAvailable(0));
  }

  @Test
  void theFastPathIsSecondOrderMamlThroughTheHeadOnTheReluMlp() {
    Learner learner = MLP.newLearner();
    double[] theta = ParameterInit.FAN_IN_UNIFORM.initialParams(MLP, 3);
    TaskData task = SINUSOID.sample(new TaskDescriptor(0, 0, 99), DataType.DOUBLE);
    for (int steps : new int[] {0, 1, 3, 5}) {
      assertSameAsReference(new Anil(HeadSplit.of(MLP), 0.05, steps), learner, theta, task, 1e-10);
    }
  }

  @Test
  void theFastPathIsSecondOrderMamlThroughTheHeadOnAPoolingBatchNormConv4() {
    ModelSpec spec = Conv4.of(16, 3).filters(3).downsample("pool").dataType(DataType.DOUBLE).seed(5).toSpec();
    TaskData task = NoiseImages.episodes(16, 3, 2).sample(new TaskDescriptor(0, 0, 17), DataType.DOUBLE);
    for (int steps : new int[] {1, 3}) {
      assertSameAsReference(new Anil(HeadSplit.of(spec), 0.4, steps), spec.newLearner(), spec.initialParams(), task,
          1e-8);
    }
  }

  /** The MAML code's head: the strided network's 2x2 last block averaged (20x20 images leave 2x2) before it. */
  @Test
  void theFastPathIsSecondOrderMamlThroughTheHeadOnAnAveragedStridedConv4() {
    ModelSpec spec = Conv4.of(20, 3).filters(3).downsample("stride").globalAveragePooling(true)
        .outputInit("standard-normal").dataType(DataType.DOUBLE).seed(5).toSpec();
    TaskData task = NoiseImages.episodes(20, 3, 2).sample(new TaskDescriptor(0, 0, 17), DataType.DOUBLE);
    for (int steps : new int[] {1, 3}) {
      assertSameAsReference(new Anil(HeadSplit.of(spec), 0.1, steps), spec.newLearner(), spec.initialParams(), task,
          1e-8);
    }
  }

  private static void assertSameAsReference(Anil anil, Learner learner, double[] theta, TaskData task,
      double tolerance) {
    TaskOutcome fast = anil.compute(learner, theta, task, true);
    TaskOutcome reference = reference(anil).compute(learner, theta, task, true);
    double error = MetaObjective.relativeError(fast.metaGradient(), reference.metaGradient());
    int steps = anil.adaptation().steps();
    assertTrue(error < tolerance, steps + " steps: relative error " + error);
    assertEquals(reference.queryLossBefore(), fast.queryLossBefore(), 1e-10 * reference.queryLossBefore());
    // what evaluate and adapt compute, through the whole network, is what training adapted to
    assertEquals(reference.queryLossAfter(), fast.queryLossAfter(), 1e-10 * reference.queryLossAfter());
  }

  @Test
  void metaGradientMatchesTheMetaObjectiveAtARandomAndAPartlyTrainedPoint() {
    Learner learner = MLP.newLearner();
    HeadSplit split = HeadSplit.of(MLP);
    double[] random = ParameterInit.FAN_IN_UNIFORM.initialParams(MLP, 3);
    double[] trained = ExactMamlTest.partlyTrained(learner, new Anil(split, 0.01, 1),
        ParameterInit.FAN_IN_UNIFORM.initialParams(MLP, 1), 400);
    TaskData task = SINUSOID.sample(new TaskDescriptor(5, 0, 1234), DataType.DOUBLE);
    for (double[] theta : new double[][] {random, trained}) {
      for (int steps : new int[] {1, 3, 5}) {
        Anil anil = new Anil(split, 0.01, steps);
        double[] analytic = anil.compute(learner, theta, task, false).metaGradient();
        double bodyError = KinkFreeMetaGradient.relativeError(MLP, learner, anil.adaptation(), theta, task, analytic,
            0, split.headStart(), 100, steps);
        assertTrue(bodyError < 1e-5, steps + " steps, the body's part: relative error " + bodyError);
        double headError = KinkFreeMetaGradient.relativeError(MLP, learner, anil.adaptation(), theta, task, analytic,
            split.headStart(), theta.length, 30, steps);
        assertTrue(headError < 1e-5, steps + " steps, the head's part: relative error " + headError);
      }
    }
  }

  @Test
  void aNetworkWithoutASeparableHeadIsRefusedSayingWhy() {
    ModelSpec tanhHead = ModelSpec.of(new NeuralNetConfiguration.Builder().list()
        .layer(new DenseLayer.Builder().nIn(1).nOut(4).activation(Activation.RELU).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(4).nOut(1).activation(Activation.TANH)
            .build()).build());
    String message = assertThrows(IllegalArgumentException.class, () -> HeadSplit.of(tanhHead)).getMessage();
    assertTrue(message.startsWith("ANIL adapts the head, the network's last layer, which must be a dense OutputLayer")
        && message.contains("this network has no such head: its output layer has tanh"), message);
    ModelSpec onlyAHead = MlpShorthand.parse("1-1").toSpec();
    assertTrue(assertThrows(IllegalArgumentException.class, () -> HeadSplit.of(onlyAHead)).getMessage()
        .endsWith("it has no layer before its output layer"));
  }
}
