package io.metaspark.core.algo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.core.model.Learner;
import io.metaspark.core.model.MlpShorthand;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.model.ParameterInit;
import io.metaspark.core.task.SinusoidTaskFamily;
import io.metaspark.core.task.TaskData;
import io.metaspark.core.task.TaskDescriptor;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Meta-SGD on the sinusoid's ReLU network: the exact meta-gradient, with respect to the
 * initialization and to the per-parameter rates, against central differences of the meta-objective
 * at kink-free coordinates, at a random point (rates spread around the initial rate) and at a point
 * Meta-SGD itself has partly trained; and the first-order variant's parts.
 */
class MetaSgdTest {
  private static final SinusoidTaskFamily SINUSOID = SinusoidTaskFamily.mamlProtocol(10, 10);
  private static final ModelSpec SPEC =
      MlpShorthand.parse("1-40-40-1").activation("relu").dataType(DataType.DOUBLE).seed(1).toSpec();

  private static Maml metaSgd(int n, int steps) {
    return new Maml(new Adaptation(new PerParameterRates(n, 0.01), steps), HessianVectorProduct.exactWhereAvailable(0));
  }

  /** An interval start: every rate its own draw inside it, the same draws for the same seed, others for another. */
  @Test
  void ratesStartAtUniformDrawsFromAnIntervalGivenOne() {
    double[] network = ParameterInit.FAN_IN_UNIFORM.initialParams(SPEC, 3);
    int n = network.length;
    double[] meta = new Adaptation(new PerParameterRates(n, 0.01, 0.005, 0.1, 7), 1).initialMeta(network);
    double[] rates = Arrays.copyOfRange(meta, n, 2 * n);
    assertArrayEquals(network, Arrays.copyOf(meta, n));
    assertTrue(Arrays.stream(rates).allMatch(rate -> rate >= 0.005 && rate < 0.1), "inside [0.005, 0.1)");
    double mean = Arrays.stream(rates).average().orElseThrow();
    assertEquals(0.0525, mean, 0.005, "uniform over the interval");
    assertArrayEquals(meta, new Adaptation(new PerParameterRates(n, 0.01, 0.005, 0.1, 7), 1).initialMeta(network));
    double[] other = new Adaptation(new PerParameterRates(n, 0.01, 0.005, 0.1, 8), 1).initialMeta(network);
    assertFalse(Arrays.equals(meta, other), "another seed, other draws");
    double[] constant = new Adaptation(new PerParameterRates(n, 0.01), 1).initialMeta(network);
    assertTrue(Arrays.stream(Arrays.copyOfRange(constant, n, 2 * n)).allMatch(rate -> rate == 0.01));
    IllegalArgumentException reversed = assertThrows(IllegalArgumentException.class,
        () -> new PerParameterRates(n, 0.01, 0.1, 0.005, 7));
    assertTrue(reversed.getMessage().contains("[0.1, 0.005]"), reversed.getMessage());
  }

  @Test
  void metaGradientMatchesTheMetaObjectiveAtARandomPoint() {
    Learner learner = SPEC.newLearner();
    int n = learner.numParams();
    double[] meta = metaSgd(n, 1).init(ParameterInit.FAN_IN_UNIFORM.initialParams(SPEC, 3));
    SplittableRandom random = new SplittableRandom(11);
    for (int i = n; i < 2 * n; i++) {
      meta[i] = 0.005 + 0.01 * random.nextDouble();
    }
    assertMatchesMetaObjective(learner, meta, SINUSOID.sample(new TaskDescriptor(0, 0, 99), DataType.DOUBLE));
  }

  @Test
  void metaGradientMatchesTheMetaObjectiveAtAPartlyTrainedPoint() {
    Learner learner = SPEC.newLearner();
    Maml algorithm = metaSgd(learner.numParams(), 1);
    double[] meta = ExactMamlTest.partlyTrained(learner, algorithm,
        algorithm.init(ParameterInit.FAN_IN_UNIFORM.initialParams(SPEC, 1)), 400);
    int n = learner.numParams();
    double[] rates = Arrays.copyOfRange(meta, n, 2 * n);
    assertTrue(Arrays.stream(rates).anyMatch(rate -> Math.abs(rate - 0.01) > 1e-3), "training moved the rates");
    assertMatchesMetaObjective(learner, meta, SINUSOID.sample(new TaskDescriptor(5, 0, 1234), DataType.DOUBLE));
  }

  /** 100 kink-free coordinates of the initialization's part and 100 of the rates', through 1, 3 and 5 steps. */
  private static void assertMatchesMetaObjective(Learner learner, double[] meta, TaskData task) {
    int n = learner.numParams();
    for (int steps : new int[] {1, 3, 5}) {
      Maml algorithm = metaSgd(n, steps);
      double[] analytic = algorithm.compute(learner, meta, task, false).metaGradient();
      double thetaError = KinkFreeMetaGradient.relativeError(SPEC, learner, algorithm.adaptation(), meta, task,
          analytic, 0, n, 100, steps);
      assertTrue(thetaError < 1e-5, steps + " steps, the initialization's part: relative error " + thetaError);
      double rateError = KinkFreeMetaGradient.relativeError(SPEC, learner, algorithm.adaptation(), meta, task,
          analytic, n, 2 * n, 100, steps);
      assertTrue(rateError < 1e-5, steps + " steps, the rates' part: relative error " + rateError);
    }
  }

  /**
   * First-order Meta-SGD: the query gradient at the adapted parameters for the initialization, and
   * -sum_j g_j ⊙ g_query for the rates, which through one step is the rates' exact gradient.
   */
  @Test
  void firstOrderTakesTheQueryGradientAndTheRatesExactGradientThroughOneStep() {
    Learner learner = SPEC.newLearner();
    int n = learner.numParams();
    TaskData task = SINUSOID.sample(new TaskDescriptor(0, 1, 7), DataType.DOUBLE);
    Adaptation adaptation = new Adaptation(new PerParameterRates(n, 0.01), 1);
    double[] meta = adaptation.initialMeta(ParameterInit.FAN_IN_UNIFORM.initialParams(SPEC, 2));
    double[] firstOrder = new FirstOrderMaml(adaptation).compute(learner, meta, task, false).metaGradient();
    double[] exact = metaSgd(n, 1).compute(learner, meta, task, false).metaGradient();

    double[] queryGradient = new double[n];
    double[] adapted = adaptation.adapt(learner, meta, task.support());
    learner.lossAndGradient(adapted, task.query(), queryGradient);
    assertArrayEquals(queryGradient, Arrays.copyOf(firstOrder, n), 0.0);
    assertArrayEquals(Arrays.copyOfRange(exact, n, 2 * n), Arrays.copyOfRange(firstOrder, n, 2 * n), 1e-12);
  }
}
