package io.metaspark.core.algo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.core.model.Learner;
import io.metaspark.core.model.MlpShorthand;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.model.ParameterInit;
import io.metaspark.core.model.TinyNetworks;
import io.metaspark.core.task.SinusoidTaskFamily;
import io.metaspark.core.task.TaskData;
import io.metaspark.core.task.TaskDescriptor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * MAML++'s parts, each against its definition: the per-layer per-step rates' meta-gradient and the
 * multi-step loss's against central differences of their objectives, derivative-order annealing
 * against the first-order gradient, and with everything annealed away, MAML's bits.
 */
class MamlPlusPlusTest {
  private static final SinusoidTaskFamily SINUSOID = SinusoidTaskFamily.mamlProtocol(6, 6);
  private static final ModelSpec TANH = TinyNetworks.tanhMlp("1-5-5-1");
  private static final HessianVectorProduct EXACT = HessianVectorProduct.exactWhereAvailable(0);

  private static TaskData task(long iteration) {
    return SINUSOID.sample(new TaskDescriptor(iteration, 0, 5), DataType.DOUBLE);
  }

  private static Adaptation perLayerPerStep(ModelSpec spec, int steps) {
    return new Adaptation(new PerLayerPerStepRates(spec.layout(), steps, 0.05), steps);
  }

  /** Rates that differ by step and layer, so a mix-up of indices shows. */
  private static double[] metaWithSpreadRates(Adaptation adaptation, double[] network) {
    double[] meta = adaptation.initialMeta(network);
    for (int i = network.length; i < meta.length; i++) {
      meta[i] = 0.02 + 0.01 * ((i - network.length) % 5);
    }
    return meta;
  }

  @Test
  void perLayerPerStepRatesMetaGradientMatchesTheMetaObjective() {
    Learner learner = TANH.newLearner();
    for (int steps : new int[] {1, 3}) {
      Adaptation adaptation = perLayerPerStep(TANH, steps);
      double[] meta = metaWithSpreadRates(adaptation, TANH.initialParams());
      assertEquals(learner.numParams() + 3 * steps, meta.length, "a rate per layer and step");
      double[] analytic = new Maml(adaptation, EXACT).compute(learner, meta, task(0), false).metaGradient();
      double[] numeric = MetaObjective.centralDifferences(learner, adaptation, meta, task(0), 1e-5);
      double error = MetaObjective.relativeError(analytic, numeric);
      assertTrue(error < 1e-6, steps + " steps: relative error " + error);
      int n = learner.numParams();
      double rateError = MetaObjective.relativeError(Arrays.copyOfRange(analytic, n, meta.length),
          Arrays.copyOfRange(numeric, n, meta.length));
      assertTrue(rateError < 1e-6, steps + " steps, the rates: relative error " + rateError);
    }
  }

  @Test
  void perLayerPerStepRatesOnTheReluMlpAtKinkFreeCoordinates() {
    ModelSpec relu = MlpShorthand.parse("1-40-40-1").activation("relu").dataType(DataType.DOUBLE).seed(1).toSpec();
    Learner learner = relu.newLearner();
    TaskData task = SinusoidTaskFamily.mamlProtocol(10, 10).sample(new TaskDescriptor(0, 0, 99), DataType.DOUBLE);
    int n = learner.numParams();
    for (int steps : new int[] {1, 3}) {
      Adaptation adaptation = new Adaptation(new PerLayerPerStepRates(relu.layout(), steps, 0.01), steps);
      double[] meta = adaptation.initialMeta(ParameterInit.FAN_IN_UNIFORM.initialParams(relu, 3));
      double[] analytic = new Maml(adaptation, EXACT).compute(learner, meta, task, false).metaGradient();
      double error = KinkFreeMetaGradient.relativeError(relu, learner, adaptation, meta, task, analytic, 0, n, 60, 1);
      assertTrue(error < 1e-5, steps + " steps, the initialization: relative error " + error);
      double rateError = KinkFreeMetaGradient.relativeError(relu, learner, adaptation, meta, task, analytic, n,
          meta.length, 6, 2);
      assertTrue(rateError < 1e-5, steps + " steps, the rates: relative error " + rateError);
    }
  }

  /** Sum_j w_j L_query(theta_j), the multi-step loss, differentiated by central differences. */
  @Test
  void multiStepLossGradientMatchesItsObjective() {
    Learner learner = TANH.newLearner();
    int steps = 3;
    Adaptation adaptation = perLayerPerStep(TANH, steps);
    double[] meta = metaWithSpreadRates(adaptation, TANH.initialParams());
    TaskData task = task(40);
    double[] weights = MultiStepLossWeights.at(40, 100, steps);
    assertEquals(1, Arrays.stream(weights).sum(), 1e-12);
    assertTrue(weights[0] < 1.0 / steps && weights[0] > 0.03 / steps, Arrays.toString(weights));
    double[] analytic = new MamlPlusPlus(adaptation, EXACT, 100, 0).compute(learner, meta, task, false)
        .metaGradient();
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
  }


  @Test
  void firstOrderIterationsTakeTheFirstOrderGradientAndLaterOnesMamlsBits() {
    Learner learner = TANH.newLearner();
    Adaptation sgd = new Adaptation(new ScalarSgd(0.05), 3);
    double[] theta = TANH.initialParams();
    MamlPlusPlus annealed = new MamlPlusPlus(sgd, EXACT, 0, 10);
    double[] early = annealed.compute(learner, theta, task(9), false).metaGradient();
    double[] firstOrder = new FirstOrderMaml(sgd).compute(learner, theta, task(9), false).metaGradient();
    assertArrayEquals(firstOrder, early, 1e-12);
    double[] late = annealed.compute(learner, theta, task(10), false).metaGradient();
    assertArrayEquals(new Maml(sgd, EXACT).compute(learner, theta, task(10), false).metaGradient(), late, 0.0);
  }
}
