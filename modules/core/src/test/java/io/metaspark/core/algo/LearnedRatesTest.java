package io.metaspark.core.algo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.core.model.Learner;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.model.TinyNetworks;
import io.metaspark.core.task.SinusoidTaskFamily;
import io.metaspark.core.task.TaskData;
import io.metaspark.core.task.TaskDescriptor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The design's claim that learned inner rates fit without changing an interface: Meta-SGD's rule
 * (one learned rate per parameter, written here in a few lines as {@link UpdateRule}'s javadoc
 * describes it) plugged into {@link Adaptation} and {@link Maml} gives the meta-gradient of the
 * query loss after adaptation with respect to the network's parameters and the rates alike,
 * checked against central differences of that loss.
 */
class LearnedRatesTest {
  /** Meta-SGD: theta_{j+1} = theta_j - a ⊙ g_j, the rates a learned. */
  private record PerParameterRates(int networkParams, double initialRate) implements UpdateRule {
    @Override
    public int learnedValues() {
      return networkParams;
    }

    @Override
    public void initLearned(double[] learned) {
      Arrays.fill(learned, initialRate);
    }

    @Override
    public void step(int step, double[] learned, double[] theta, double[] gradient) {
      for (int i = 0; i < theta.length; i++) {
        theta[i] -= learned[i] * gradient[i];
      }
    }

    /** dL/da -= g_j ⊙ v; v <- v - H_j (a ⊙ v), H symmetric. */
    @Override
    public void backward(int step, double[] learned, double[] theta, double[] gradient, double[] v,
        Curvature curvature, double[] learnedGradient) {
      double[] scaled = new double[v.length];
      for (int i = 0; i < v.length; i++) {
        learnedGradient[i] -= gradient[i] * v[i];
        scaled[i] = learned[i] * v[i];
      }
      double[] hv = new double[v.length];
      curvature.times(scaled, hv);
      for (int i = 0; i < v.length; i++) {
        v[i] -= hv[i];
      }
    }

    @Override
    public String name() {
      return "per-parameter";
    }

    @Override
    public double learningRate() {
      return initialRate;
    }

    @Override
    public String describe() {
      return "at learned per-parameter rates from " + initialRate;
    }
  }

  private static final ModelSpec SPEC = TinyNetworks.tanhMlp("1-5-1");
  private static final TaskData TASK =
      SinusoidTaskFamily.mamlProtocol(6, 6).sample(new TaskDescriptor(0, 0, 5), DataType.DOUBLE);

  @Test
  void mamlDifferentiatesThroughLearnedRatesAsThroughTheNetwork() {
    Learner learner = SPEC.newLearner();
    int n = learner.numParams();
    for (int steps : new int[] {1, 3}) {
      Adaptation adaptation = new Adaptation(new PerParameterRates(n, 0.05), steps);
      Maml maml = new Maml(adaptation, HessianVectorProduct.exactWhereAvailable(0));
      double[] meta = maml.init(SPEC.initialParams());
      assertEquals(2 * n, meta.length, "the network's parameters, then a rate for each");
      assertArrayEquals(SPEC.initialParams(), maml.networkPart(meta), 0.0);
      // rates that differ, so a mix-up of indices shows
      for (int i = n; i < 2 * n; i++) {
        meta[i] = 0.02 + 0.01 * (i % 4);
      }
      double[] analytic = maml.compute(learner, meta, TASK, false).metaGradient();
      double[] numeric = MetaObjective.centralDifferences(learner, adaptation, meta, TASK, 1e-5);
      double error = MetaObjective.relativeError(analytic, numeric);
      assertTrue(error < 1e-6, steps + " steps: relative error " + error);
      double rateError = MetaObjective.relativeError(Arrays.copyOfRange(analytic, n, 2 * n),
          Arrays.copyOfRange(numeric, n, 2 * n));
      assertTrue(rateError < 1e-6, steps + " steps, the rates' part: relative error " + rateError);
    }
  }

  @Test
  void algorithmsWithoutAGradientForLearnedValuesRefuseThem() {
    Adaptation adaptation = new Adaptation(new PerParameterRates(3, 0.1), 1);
    assertEquals("first-order MAML has no meta-gradient for the values the per-parameter rule learns; second-order "
        + "MAML (maml) has", assertThrows(IllegalArgumentException.class, () -> new FirstOrderMaml(adaptation))
        .getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Reptile(adaptation));
  }
}
