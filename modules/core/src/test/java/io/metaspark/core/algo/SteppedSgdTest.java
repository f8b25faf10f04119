package io.metaspark.core.algo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** theta_{j+1} = theta_j - alpha_j g_j with the step's own rate, the last one for every later step. */
class SteppedSgdTest {
  private static final double[] NOTHING = new double[0];

  @Test
  void eachStepTakesItsOwnRateAndTheLastRepeats() {
    SteppedSgd rule = new SteppedSgd(0.5, 0.25);
    double[] theta = {1, -2};
    double[] gradient = {0.4, 0.8};
    rule.step(0, NOTHING, theta, gradient);
    assertArrayEquals(new double[] {1 - 0.5 * 0.4, -2 - 0.5 * 0.8}, theta, 0);
    rule.step(1, NOTHING, theta, gradient);
    assertArrayEquals(new double[] {1 - 0.5 * 0.4 - 0.25 * 0.4, -2 - 0.5 * 0.8 - 0.25 * 0.8}, theta, 1e-15);
    assertEquals(0.25, rule.rate(7));
    assertEquals(0.5, rule.learningRate());
    assertEquals("at lr 0.5, 0.25 by step (the last for every later step)", rule.describe());
    assertEquals("at lr 0.1", new SteppedSgd(0.1).describe());
  }

  @Test
  void theBackwardPassIsTheTransposedJacobianOfItsStep() {
    // the step's Jacobian is I - alpha_j H: with H = diag(2, 3), v <- v - alpha_j H v
    Curvature diagonal = (v, out) -> {
      out[0] = 2 * v[0];
      out[1] = 3 * v[1];
    };
    SteppedSgd rule = new SteppedSgd(0.5, 0.25);
    double[] v = {1, 1};
    rule.backward(1, NOTHING, new double[2], new double[2], v, diagonal, NOTHING);
    assertArrayEquals(new double[] {1 - 0.25 * 2, 1 - 0.25 * 3}, v, 0);
    v = new double[] {1, 1};
    rule.backward(0, NOTHING, new double[2], new double[2], v, diagonal, NOTHING);
    assertArrayEquals(new double[] {1 - 0.5 * 2, 1 - 0.5 * 3}, v, 0);
  }

  @Test
  void oneRateStepsExactlyAsScalarSgd() {
    double[] a = {0.3, -1.7, 2.9};
    double[] b = a.clone();
    double[] gradient = {0.11, -0.37, 1e-3};
    new SteppedSgd(0.1).step(4, NOTHING, a, gradient);
    new ScalarSgd(0.1).step(4, NOTHING, b, gradient);
    assertArrayEquals(b, a, 0);
  }

  @Test
  void refusesNoRatesAndRatesThatAreNotPositive() {
    assertThrows(IllegalArgumentException.class, SteppedSgd::new);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SteppedSgd(0.5, -0.1));
    assertTrue(e.getMessage().contains("[0.5, -0.1]"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new SteppedSgd(Double.NaN));
  }
}
