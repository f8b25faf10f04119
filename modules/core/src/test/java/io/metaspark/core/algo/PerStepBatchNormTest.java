package io.metaspark.core.algo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.core.model.BatchNormParameters;
import io.metaspark.core.model.Conv4;
import io.metaspark.core.model.Learner;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.model.NoiseImages;
import io.metaspark.core.model.TinyNetworks;
import io.metaspark.core.model.conv.ConvLearner;
import io.metaspark.core.task.TaskData;
import io.metaspark.core.task.TaskDescriptor;
import java.util.Arrays;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * MAML++'s per-step batch-norm weights and biases (BNWB) on conv4 with batch norm: the exact
 * meta-gradient, sets included, against central differences of the meta-objective; each step's
 * passes with its own set and batch norm left alone by the inner loop; the impossible cases refused.
 */
class PerStepBatchNormTest {
  private static final ModelSpec SPEC = TinyNetworks.batchNormConv4();
  private static final int[] AFFINE = BatchNormParameters.affine(SPEC.newNetwork());
  private static final TaskData TASK = NoiseImages.episodes(16, 3, 2).sample(new TaskDescriptor(0, 0, 17),
      DataType.DOUBLE);

  private static Adaptation perStep(int steps) {
    return new Adaptation(new PerStepBatchNorm(new PerLayerPerStepRates(SPEC.layout(), steps, 0.4), AFFINE, steps),
        steps);
  }

  /** Sets and rates that differ from one another, so that a mix-up of sets, steps or layers shows. */
  private static double[] spreadMeta(Adaptation adaptation, int steps) {
    double[] network = SPEC.initialParams();
    double[] meta = adaptation.initialMeta(network);
    int rates = steps * SPEC.layout().layers();
    for (int i = network.length; i < network.length + rates; i++) {
      meta[i] = 0.3 + 0.02 * ((i - network.length) % 7);
    }
    for (int i = network.length + rates; i < meta.length; i++) {
      meta[i] += 0.05 * (((i * 7) % 11) - 5);
    }
    return meta;
  }

  @Test
  void theAffineParametersAreBatchNormsGammaAndBetaOnly() {
    // 4 batch norm layers of 3 channels, a gamma and a beta each; the running statistics are not among them
    assertEquals(24, AFFINE.length);
    int[] running = BatchNormParameters.runningStatistics(SPEC.newNetwork());
    assertEquals(24, running.length);
    assertTrue(Arrays.stream(AFFINE).noneMatch(p -> Arrays.stream(running).anyMatch(r -> r == p)));
  }

  @Test
  void metaGradientWithPerStepSetsMatchesTheMetaObjectiveOnConvLearner() {
    Learner learner = SPEC.newLearner();
    assertInstanceOf(ConvLearner.class, learner);
    int n = learner.numParams();
    for (int steps : new int[] {1, 2, 3}) {
      Adaptation adaptation = perStep(steps);
      double[] meta = spreadMeta(adaptation, steps);
      assertEquals(n + steps * SPEC.layout().layers() + (steps - 1) * AFFINE.length, meta.length,
          "the rates, then a set of gamma and beta for each step after the first");
      double[] analytic = new MamlPlusPlus(adaptation, HessianVectorProduct.exactWhereAvailable(0), 0, 0)
          .compute(learner, meta, TASK, false).metaGradient();
      double network = KinkFreeMetaGradient.relativeError(SPEC, learner, adaptation, meta, TASK, analytic, 0, n, 120,
          steps);
      assertTrue(network < 1e-5, steps + " steps, the network: relative error " + network);
      double setsAndRates = KinkFreeMetaGradient.relativeError(SPEC, learner, adaptation, meta, TASK, analytic, n,
          meta.length, 40, steps + 10);
      assertTrue(setsAndRates < 1e-5, steps + " steps, the rates and sets: relative error " + setsAndRates);
      for (int position : AFFINE) {
        assertNotEquals(0.0, analytic[position], "set 0, the network's own gamma and beta, learns");
      }
    }
  }

  /**
   * Two strided convolutions without ReLU, each with batch norm, and a softmax: a smooth network
   * ConvLearner takes, on which every coordinate can be checked by central differences, here for
   * the multi-step loss, whose intermediate queries run with the intermediate sets.
   */
  @Test
  void multiStepLossGradientWithPerStepSetsMatchesItsObjectiveInEveryCoordinate() {
    ModelSpec smooth = ModelSpec.of(new NeuralNetConfiguration.Builder().seed(5).dataType(DataType.DOUBLE)
        .weightInit(WeightInit.XAVIER).convolutionMode(ConvolutionMode.Same).list()
        .layer(new ConvolutionLayer.Builder(3, 3).stride(2, 2).nOut(3).activation(Activation.IDENTITY).build())
        .layer(new BatchNormalization.Builder().build())
        .layer(new ConvolutionLayer.Builder(3, 3).stride(2, 2).nOut(3).activation(Activation.IDENTITY).build())
        .layer(new BatchNormalization.Builder().build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX)
            .build())
        .setInputType(InputType.convolutional(16, 16, 1)).build());
    Learner learner = smooth.newLearner();
    assertInstanceOf(ConvLearner.class, learner);
    int steps = 3;
    int[] affine = BatchNormParameters.affine(smooth.newNetwork());
    Adaptation adaptation = new Adaptation(new PerStepBatchNorm(new PerLayerPerStepRates(smooth.layout(), steps,
        0.4), affine, steps), steps);
    double[] meta = adaptation.initialMeta(smooth.initialParams());
    int n = learner.numParams();
    for (int i = n; i < meta.length; i++) {
      meta[i] += 0.05 * (((i * 7) % 11) - 5);
    }
    // at iteration 40 of 100 the multi-step loss weighs every step's query
    TaskData task = NoiseImages.episodes(16, 3, 2).sample(new TaskDescriptor(40, 0, 17), DataType.DOUBLE);
    double[] weights = MultiStepLossWeights.at(40, 100, steps);
    double[] analytic = new MamlPlusPlus(adaptation, HessianVectorProduct.exactWhereAvailable(0), 100, 0)
        .compute(learner, meta, task, false).metaGradient();
    double[] numeric = new double[meta.length];
    double h = 1e-5;
    for (int i = 0; i < meta.length; i++) {
      double[] plus = meta.clone();
      double[] minus = meta.clone();
      plus[i] += h;
      minus[i] -= h;
      numeric[i] = (MetaObjective.multiStepLoss(learner, adaptation, plus, task, weights)
          - MetaObjective.multiStepLoss(learner, adaptation, minus, task, weights)) / (2 * h);
    }
    double error = MetaObjective.relativeError(analytic, numeric);
    assertTrue(error < 1e-6, "relative error " + error);
    double sets = MetaObjective.relativeError(Arrays.copyOfRange(analytic, n + steps * smooth.layout().layers(),
        meta.length), Arrays.copyOfRange(numeric, n + steps * smooth.layout().layers(), meta.length));
    assertTrue(sets < 1e-6, "the sets of steps 1 and 2: relative error " + sets);
  }


  @Test
  void eachStepRunsWithItsOwnSetAndTheInnerLoopLeavesBatchNormAlone() {
    int steps = 3;
    Adaptation adaptation = perStep(steps);
    double[] meta = spreadMeta(adaptation, steps);
    Trajectory path = adaptation.trajectory(SPEC.newLearner(), meta, TASK.support());
    int rates = steps * SPEC.layout().layers();
    for (int j = 0; j <= steps; j++) {
      int set = Math.min(j, steps - 1);
      for (int p = 0; p < AFFINE.length; p++) {
        double expected = set == 0 ? meta[AFFINE[p]] : meta[SPEC.layout().total() + rates + (set - 1) * AFFINE.length + p];
        assertEquals(expected, path.theta(j)[AFFINE[p]], 0.0, "theta_" + j + " holds set " + set);
      }
    }
    assertNotEquals(path.theta(0)[0], path.adapted()[0], "the convolutions do adapt");
    double[] longer = adaptation.adapt(SPEC.newLearner(), meta, TASK.support(), 5);
    for (int position : AFFINE) {
      assertEquals(path.adapted()[position], longer[position], 0.0, "past training's steps, the last set");
    }
  }

  @Test
  void oneStepLearnsNoSetBesidesTheNetworksOwn() {
    PerStepBatchNorm rule = new PerStepBatchNorm(new ScalarSgd(0.4), AFFINE, 1);
    assertEquals(0, rule.learnedValues());
    assertEquals("sgd+per-step-batch-norm", rule.name());
    double[] theta = SPEC.initialParams();
    double[] adapted = new Adaptation(rule, 1).adapt(SPEC.newLearner(), theta, TASK.support());
    for (int position : AFFINE) {
      assertEquals(theta[position], adapted[position], 0.0, "gamma and beta stay where the meta-parameters put them");
    }
  }

  @Test
  void aNetworkWithoutBatchNormOrAnAdaptationWithoutStepsIsRefused() {
    ModelSpec plain = Conv4.of(16, 3).filters(3).downsample("stride").batchNorm(false)
        .dataType(DataType.DOUBLE).seed(5).toSpec();
    int[] none = BatchNormParameters.affine(plain.newNetwork());
    IllegalArgumentException noBatchNorm = assertThrows(IllegalArgumentException.class,
        () -> new PerStepBatchNorm(new ScalarSgd(0.4), none, 1));
    assertTrue(noBatchNorm.getMessage().contains("no BatchNormalization layer"), noBatchNorm.getMessage());
    IllegalArgumentException noSteps = assertThrows(IllegalArgumentException.class,
        () -> new PerStepBatchNorm(new ScalarSgd(0.4), AFFINE, 0));
    assertTrue(noSteps.getMessage().contains("at least one inner step"), noSteps.getMessage());
  }
}
