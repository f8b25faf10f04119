package io.metaspark.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The R-operator's shortcuts for TRPO's many products give the products' bits exactly, not just
 * their values: a forward pass kept for products at the same parameters and inputs, and, for a
 * loss whose output gradient is zero (a Fisher), the backward pass without the terms that zero
 * multiplies. Checked on ReLU (with dead units), tanh and sigmoid networks, with another batch's
 * products in between so the work buffers are overwritten.
 */
class ProductShortcutsTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"relu", "tanh", "sigmoid"})
  void aKeptPassGivesTheSameProductsBitForBit(String activation) {
    DenseLearner network = network(activation);
    SplittableRandom random = new SplittableRandom(activation.hashCode());
    int rows = 37;
    double[] params = uniform(random, network.numParams(), 1);
    double[] features = uniform(random, rows * 2, 2);
    double[] other = uniform(random, 11 * 2, 2);
    DenseLearner.Pass pass = network.keep(params, features, rows);
    for (boolean zeroGradient : new boolean[] {false, true}) {
      for (int draw = 0; draw < 3; draw++) {
        double[] v = uniform(random, network.numParams(), 1);
        double[] expected = new double[network.numParams()];
        network.outputLossCurvature(params, features, rows, v, new WeightedSquares(zeroGradient), expected);
        // another batch at other parameters in between: the kept pass must not depend on the work buffers
        network.outputLossCurvature(uniform(random, network.numParams(), 1), other, 11, v,
            new WeightedSquares(zeroGradient), new double[network.numParams()]);
        double[] kept = new double[network.numParams()];
        network.outputLossCurvature(pass, v, new WeightedSquares(zeroGradient), kept);
        assertTrue(maxAbs(expected) > 0, "a zero product checks nothing");
        assertArrayEquals(expected, kept, activation + ", zero gradient " + zeroGradient + ", draw " + draw);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"relu", "tanh", "sigmoid"})
  void aZeroOutputGradientSaidSoGivesTheFullBackwardPassesBits(String activation) {
    DenseLearner network = network(activation);
    SplittableRandom random = new SplittableRandom(activation.hashCode() + 1);
    for (int rows : new int[] {1, 20, 64}) {
      double[] params = uniform(random, network.numParams(), 1.5);
      double[] features = uniform(random, rows * 2, 3);
      double[] v = uniform(random, network.numParams(), 1);
      double[] full = new double[network.numParams()];
      network.outputLossCurvature(params, features, rows, v, new ZeroGradient(false), full);
      double[] skipped = new double[network.numParams()];
      network.outputLossCurvature(params, features, rows, v, new ZeroGradient(true), skipped);
      assertTrue(maxAbs(full) > 0, "a zero product checks nothing");
      assertArrayEquals(full, skipped, activation + ", " + rows + " rows");
    }
  }

  @Test
  void aPassKeptByAnotherNetworkIsRefused() {
    DenseLearner network = network("relu");
    DenseLearner another = network("relu");
    DenseLearner.Pass pass = network.keep(new double[network.numParams()], new double[2], 1);
    String message = assertThrows(IllegalArgumentException.class, () -> another.outputLossCurvature(pass,
        new double[network.numParams()], new ZeroGradient(true), new double[network.numParams()])).getMessage();
    assertTrue(message.contains("another network"), message);
  }

  private static DenseLearner network(String activation) {
    ModelSpec spec = MlpShorthand.parse("2-16-16-3").activation(activation).dataType(DataType.DOUBLE).seed(5).toSpec();
    return (DenseLearner) spec.newLearner();
  }

  /** sum_r sum_k c_k (o_rk - t_k)^2 / 2, with a gradient: the general backward pass. */
  private static final class WeightedSquares implements DenseLearner.OutputLoss {
    private static final double[] WEIGHTS = {0.5, 2, 1.25};
    private static final double[] TARGETS = {0.3, -0.2, 0.1};
    private final boolean fisherLike;

    WeightedSquares(boolean fisherLike) {
      this.fisherLike = fisherLike;
    }

    @Override
    public double gradient(double[] outputs, int rows, double[] delta) {
      double loss = 0;
      for (int i = 0; i < rows * 3; i++) {
        double error = fisherLike ? 0 : outputs[i] - TARGETS[i % 3];
        loss += WEIGHTS[i % 3] * error * error / 2;
        delta[i] = WEIGHTS[i % 3] * error;
      }
      return loss;
    }

    @Override
    public void curvature(double[] outputs, double[] tangentOutputs, int rows, double[] delta, double[] tangentDelta) {
      gradient(outputs, rows, delta);
      for (int i = 0; i < rows * 3; i++) {
        tangentDelta[i] = WEIGHTS[i % 3] * tangentOutputs[i] / rows;
      }
    }

    @Override
    public boolean zeroGradient() {
      return fisherLike;
    }
  }

  /** A Gauss-Newton curvature as a loss (zero gradient), said so or not. */
  private static final class ZeroGradient implements DenseLearner.OutputLoss {
    private final boolean said;

    ZeroGradient(boolean said) {
      this.said = said;
    }

    @Override
    public double gradient(double[] outputs, int rows, double[] delta) {
      Arrays.fill(delta, 0, rows * 3, 0);
      return 0;
    }

    @Override
    public void curvature(double[] outputs, double[] tangentOutputs, int rows, double[] delta, double[] tangentDelta) {
      gradient(outputs, rows, delta);
      for (int i = 0; i < rows * 3; i++) {
        tangentDelta[i] = (1 + i % 3) * tangentOutputs[i] / rows;
      }
    }

    @Override
    public boolean zeroGradient() {
      return said;
    }
  }

  private static double[] uniform(SplittableRandom random, int n, double scale) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = scale * (2 * random.nextDouble() - 1);
    }
    return x;
  }

  private static double maxAbs(double[] v) {
    double m = 0;
    for (double x : v) {
      m = Math.max(m, Math.abs(x));
    }
    return m;
  }
}
