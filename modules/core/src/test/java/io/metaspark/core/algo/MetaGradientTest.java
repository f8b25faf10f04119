package io.metaspark.core.algo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.core.model.Learner;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.model.TinyNetworks;
import io.metaspark.core.task.Examples;
import io.metaspark.core.task.SinusoidTaskFamily;
import io.metaspark.core.task.TaskData;
import io.metaspark.core.task.TaskDescriptor;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** Each algorithm against its defining equation. */
class MetaGradientTest {
  private static final HessianVectorProduct DEFAULT_HVP = HessianVectorProduct.exactWhereAvailable(0);

  /** One support point (1, 2), one query point (2, 1), theta = (w, b) = (0.5, 0), alpha = 0.1. */
  private static TaskData handCase() {
    return new TaskData(new TaskDescriptor(0, 0, 0),
        new Examples(Nd4j.createFromArray(new double[][] {{1}}), Nd4j.createFromArray(new double[][] {{2}})),
        new Examples(Nd4j.createFromArray(new double[][] {{2}}), Nd4j.createFromArray(new double[][] {{1}})));
  }

  private static final double[] THETA = {0.5, 0.0};
  private static final Adaptation ONE_STEP = new Adaptation(new ScalarSgd(0.1), 1);

  // Support loss (w + b - 2)^2: gradient 2(w + b - 2)(1, 1) = (-3, -3) at theta, so
  // theta' = (0.8, 0.3). Query residual 2 * 0.8 + 0.3 - 1 = 0.9: query gradient (3.6, 1.8).

  @Test
  void firstOrderMamlIsTheQueryGradientAtTheAdaptedParameters() {
    TaskOutcome out = new FirstOrderMaml(ONE_STEP).compute(TinyNetworks.linear().newLearner(), THETA, handCase(), true);
    assertArrayEquals(new double[] {3.6, 1.8}, out.metaGradient(), 1e-12);
    assertEquals((0.5 * 2 - 1) * (0.5 * 2 - 1), out.queryLossBefore(), 1e-15);
    assertEquals(0.81, out.queryLossAfter(), 1e-12);
  }

  @Test
  void reptileIsThetaMinusTheAdaptedParameters() {
    TaskOutcome out = new Reptile(ONE_STEP).compute(TinyNetworks.linear().newLearner(), THETA, handCase(), true);
    assertArrayEquals(new double[] {0.5 - 0.8, 0.0 - 0.3}, out.metaGradient(), 1e-12);
    assertEquals(0.81, out.queryLossAfter(), 1e-12);
  }

  @Test
  void mamlAppliesTheInnerStepsJacobianToTheQueryGradient() {
    // Support Hessian 2 [[1, 1], [1, 1]], so (I - 0.1 H) (3.6, 1.8) = (0.8*3.6 - 0.2*1.8, -0.2*3.6 + 0.8*1.8)
    TaskOutcome out = new Maml(ONE_STEP, DEFAULT_HVP).compute(TinyNetworks.linear().newLearner(), THETA, handCase(), false);
    assertArrayEquals(new double[] {2.52, 0.72}, out.metaGradient(), 1e-9);
    assertTrue(Double.isNaN(out.queryLossBefore()), "not measured when not asked");
  }

  @Test
  void mamlMetaGradientMatchesCentralDifferencesOfTheMetaObjective() {
    ModelSpec spec = TinyNetworks.tanhMlp("1-8-8-1");
    Learner learner = spec.newLearner();
    TaskData task = SinusoidTaskFamily.mamlProtocol(10, 10).sample(new TaskDescriptor(3, 1, 12345), DataType.DOUBLE);
    double[] theta = spec.initialParams();
    for (int steps : new int[] {1, 3}) {
      Adaptation inner = new Adaptation(new ScalarSgd(0.05), steps);
      double[] analytic = new Maml(inner, DEFAULT_HVP).compute(learner, theta, task, false).metaGradient();
      double[] numeric = MetaObjective.centralDifferences(learner, inner, theta, task, 1e-5);
      double err = MetaObjective.relativeError(analytic, numeric);
      assertTrue(err < 1e-4, steps + " inner steps: relative error " + err);
      // and second order matters here: first-order MAML is measurably different
      double[] firstOrder = new FirstOrderMaml(inner).compute(learner, theta, task, false).metaGradient();
      assertTrue(MetaObjective.relativeError(firstOrder, numeric) > 100 * err, "FOMAML should not match as well");
    }
  }

  @Test
  void measuringLossesDoesNotChangeTheMetaGradient() {
    ModelSpec spec = TinyNetworks.tanhMlp("1-8-8-1");
    Learner learner = spec.newLearner();
    TaskData task = SinusoidTaskFamily.mamlProtocol(10, 10).sample(new TaskDescriptor(0, 4, 77), DataType.DOUBLE);
    double[] theta = spec.initialParams();
    Adaptation inner = new Adaptation(new ScalarSgd(0.01), 2);
    for (MetaAlgorithm algorithm : new MetaAlgorithm[] {new Maml(inner, DEFAULT_HVP), new FirstOrderMaml(inner),
        new Reptile(inner)}) {
      TaskOutcome quiet = algorithm.compute(learner, theta, task, false);
      TaskOutcome measured = algorithm.compute(learner, theta, task, true);
      assertArrayEquals(quiet.metaGradient(), measured.metaGradient(), 0.0, algorithm.name());
      assertTrue(Double.isNaN(quiet.queryLossAfter()) && Double.isFinite(measured.queryLossAfter()), algorithm.name());
    }
  }

  @Test
  void hessianVectorProductMatchesTheExactHessianOfTheLinearModel() {
    Learner learner = TinyNetworks.linear().newLearner();
    double[] out = new double[2];
    DEFAULT_HVP.apply(learner, THETA, handCase().support(), new double[] {1, -2}, out);
    // H = 2 [[1, 1], [1, 1]]: H (1, -2) = (-2, -2)
    assertArrayEquals(new double[] {-2, -2}, out, 1e-9);
  }
}
