package io.metaspark.core.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.core.model.MlpShorthand;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.task.Examples;
import io.metaspark.core.task.TaskDescriptor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The policies' surrogate -mean(w log pi(a | s)) on real rollouts: its gradient against central
 * differences of the loss, its exact Hessian-vector product against central differences of the
 * gradient (tanh networks, where both are smooth), and the log-probability itself against the
 * closed form.
 */
class PolicyGradientTest {
  private static final RolloutSettings SETTINGS = new RolloutSettings(4, 4, 0.99, 0.97);

  @Test
  void gaussianSurrogateGradientAndHessianProductMatchFiniteDifferences() {
    Navigation2d family = new Navigation2d(15);
    Policy policy = Policy.over(mlp("2-8-8-2").newLearner(), 2, family.actionSpace());
    double[] params = paramsWithLogStd(mlp("2-8-8-2"), policy, -0.5);
    Examples rollouts = rolloutsOf(family, policy, params);
    assertDerivativesMatch(policy, params, rollouts);
  }

  @Test
  void softmaxSurrogateGradientAndHessianProductMatchFiniteDifferences() {
    BernoulliBandit family = new BernoulliBandit(4, 20);
    Policy policy = Policy.over(mlp("1-6-4").newLearner(), 1, family.actionSpace());
    double[] params = mlp("1-6-4").initialParams();
    Examples rollouts = rolloutsOf(family, policy, params);
    assertDerivativesMatch(policy, params, rollouts);
  }

  @Test
  void theGaussianSurrogateIsMinusTheWeightedLogDensity() {
    Navigation2d family = new Navigation2d(5);
    Policy policy = Policy.over(mlp("2-3-2").newLearner(), 2, family.actionSpace());
    double[] params = paramsWithLogStd(mlp("2-3-2"), policy, 0.3);
    Examples rollouts = rolloutsOf(family, policy, params);
    double[] mean = policy.outputs(params, rollouts.features()).dup('c').data().asDouble();
    double[] labels = rollouts.labels().dup('c').data().asDouble();
    double expected = 0;
    int n = rollouts.size();
    for (int r = 0; r < n; r++) {
      double logDensity = 0;
      for (int k = 0; k < 2; k++) {
        double z = (labels[r * 3 + k] - mean[r * 2 + k]) / Math.exp(0.3);
        logDensity += -z * z / 2 - 0.3 - 0.5 * Math.log(2 * Math.PI);
      }
      expected -= labels[r * 3 + 2] * logDensity / n;
    }
    assertEquals(expected, policy.loss(params, rollouts), 1e-12);
  }

  @Test
  void softmaxActionsFollowTheLogits() {
    Policy policy = Policy.over(mlp("1-3").newLearner(), 1, ActionSpace.discrete(3));
    double[] params = new double[policy.numParams()];
    // weights 0, biases 0, ln 2, ln 5: pi = (1, 2, 5) / 8
    params[4] = Math.log(2);
    params[5] = Math.log(5);
    int[] counts = new int[3];
    SplittableRandom random = new SplittableRandom(5);
    double[] action = new double[1];
    for (int i = 0; i < 80_000; i++) {
      policy.act(params, new double[] {1}, 1, random, action);
      counts[(int) action[0]]++;
    }
    assertEquals(1 / 8.0, counts[0] / 80_000.0, 0.005);
    assertEquals(5 / 8.0, counts[2] / 80_000.0, 0.005);
  }

  @Test
  void aNetworkThatDoesNotFitTheActionSpaceOrTheObservationsIsRefusedNamingBoth() {
    IllegalArgumentException outputs = assertThrows(IllegalArgumentException.class,
        () -> Policy.over(mlp("2-8-3").newLearner(), 2, ActionSpace.continuous(2)));
    assertTrue(outputs.getMessage().contains(
        "gives 3 outputs but the environment has 2-dimensional continuous actions"), outputs.getMessage());
    IllegalArgumentException inputs = assertThrows(IllegalArgumentException.class,
        () -> Policy.over(mlp("3-8-5").newLearner(), 1, ActionSpace.discrete(5)));
    assertTrue(inputs.getMessage().contains("takes 3 inputs but the environment's observations have 1"),
        inputs.getMessage());
  }

  @Test
  void productsAtAKeptForwardPassAreThePlainProductsBitForBit() {
    Navigation2d navigation = new Navigation2d(15);
    ModelSpec relu = MlpShorthand.parse("2-12-12-2").activation("relu").dataType(DataType.DOUBLE).seed(8).toSpec();
    Policy gaussian = Policy.over(relu.newLearner(), 2, navigation.actionSpace());
    assertKeptProductsArePlain(gaussian, paramsWithLogStd(relu, gaussian, -0.4), navigation);
    BernoulliBandit bandit = new BernoulliBandit(4, 20);
    Policy softmax = Policy.over(mlp("1-6-4").newLearner(), 1, bandit.actionSpace());
    assertKeptProductsArePlain(softmax, mlp("1-6-4").initialParams(), bandit);
  }

  private static void assertKeptProductsArePlain(Policy policy, double[] params, EnvironmentFamily family) {
    Examples examples = rolloutsOf(family, policy, params);
    Examples other = new EnvironmentTask(new TaskDescriptor(0, 1, 5), family, SETTINGS).rollouts(policy, params, 3, 0)
        .examples();
    Policy.Kept kept = policy.keep(params, examples);
    SplittableRandom random = new SplittableRandom(12);
    for (int draw = 0; draw < 3; draw++) {
      double[] v = random.doubles(params.length, -1, 1).toArray();
      double[] hessian = new double[params.length];
      double[] fisher = new double[params.length];
      policy.hessianVectorProduct(params, examples, v, hessian);
      policy.fisherVectorProduct(params, examples, v, fisher);
      // other products in between overwrite the network's work buffers
      policy.hessianVectorProduct(params, other, v, new double[params.length]);
      double[] keptHessian = new double[params.length];
      double[] keptFisher = new double[params.length];
      policy.hessianVectorProduct(kept, v, keptHessian);
      policy.fisherVectorProduct(kept, v, keptFisher);
      assertArrayEquals(hessian, keptHessian, "Hessian product, draw " + draw);
      assertArrayEquals(fisher, keptFisher, "Fisher product, draw " + draw);
    }
  }

  private static void assertDerivativesMatch(Policy policy, double[] params, Examples examples) {
    int n = params.length;
    double[] gradient = new double[n];
    policy.lossAndGradient(params, examples, gradient);
    double step = 1e-5;
    double worst = 0;
    for (int i = 0; i < n; i++) {
      double numeric = (policy.loss(shifted(params, i, step), examples)
          - policy.loss(shifted(params, i, -step), examples)) / (2 * step);
      worst = Math.max(worst, Math.abs(numeric - gradient[i]) / (1e-6 + Math.abs(numeric) + Math.abs(gradient[i])));
    }
    assertTrue(worst < 1e-6, "gradient relative error " + worst);

    double[] v = new SplittableRandom(9).doubles(n, -1, 1).toArray();
    double[] exact = new double[n];
    policy.hessianVectorProduct(params, examples, v, exact);
    double[] plus = new double[n];
    double[] minus = new double[n];
    double e = 1e-5;
    policy.lossAndGradient(axpy(e, v, params), examples, plus);
    policy.lossAndGradient(axpy(-e, v, params), examples, minus);
    double difference = 0;
    double size = 0;
    for (int i = 0; i < n; i++) {
      double numeric = (plus[i] - minus[i]) / (2 * e);
      difference += (numeric - exact[i]) * (numeric - exact[i]);
      size += exact[i] * exact[i];
    }
    assertTrue(size > 0, "a zero Hessian product checks nothing");
    assertTrue(Math.sqrt(difference / size) < 1e-6, "Hessian product relative error " + Math.sqrt(difference / size));
  }

  private static Examples rolloutsOf(EnvironmentFamily family, Policy policy, double[] params) {
    return new EnvironmentTask(new TaskDescriptor(0, 0, 21), family, SETTINGS).rollouts(policy, params, 4, 0)
        .examples();
  }

  static ModelSpec mlp(String sizes) {
    return MlpShorthand.parse(sizes).activation("tanh").dataType(DataType.DOUBLE).seed(4).toSpec();
  }

  private static double[] paramsWithLogStd(ModelSpec spec, Policy policy, double logStd) {
    double[] network = spec.initialParams();
    double[] params = java.util.Arrays.copyOf(network, policy.numParams());
    java.util.Arrays.fill(params, network.length, params.length, logStd);
    return params;
  }

  private static double[] shifted(double[] x, int i, double by) {
    double[] y = x.clone();
    y[i] += by;
    return y;
  }

  private static double[] axpy(double a, double[] v, double[] x) {
    double[] y = x.clone();
    for (int i = 0; i < y.length; i++) {
      y[i] += a * v[i];
    }
    return y;
  }
}
