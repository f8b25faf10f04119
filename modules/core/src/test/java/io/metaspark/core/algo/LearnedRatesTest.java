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
 * Learned inner rates through the pluggable rule: Meta-SGD's rule ({@link PerParameterRates})
 * plugged into {@link Adaptation} and {@link Maml} gives the meta-gradient of the query loss after
 * adaptation with respect to the network's parameters and the rates alike, checked against central
 * differences of that loss on a smooth network (every coordinate); {@link MetaSgdTest} checks it on
 * ReLU networks, where training goes.
 */
class LearnedRatesTest {
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
  void reptileHasNoGradientForLearnedValuesAndRefusesThem() {
    Adaptation adaptation = new Adaptation(new PerParameterRates(3, 0.1), 1);
    assertEquals("Reptile has no meta-gradient for the values the per-parameter rule learns; MAML and "
        + "first-order MAML have",
        assertThrows(IllegalArgumentException.class, () -> new Reptile(adaptation)).getMessage());
  }
}
