package io.metaspark.core.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class OuterOptimizerTest {

  @Test
  void sgdStepsAgainstTheGradient() {
    Sgd sgd = new Sgd(0.5);
    Update u = sgd.update(new double[] {2, -4}, sgd.init(2));
    assertArrayEquals(new double[] {-1, 2}, u.delta());
    double[] params = {1, 1};
    u.applyTo(params);
    assertArrayEquals(new double[] {0, 3}, params);
    assertEquals(1, u.state().step());
  }

  @Test
  void adamFollowsKingmaAndBaWithBiasCorrection() {
    Adam adam = new Adam(0.1, 0.9, 0.999, 1e-8);
    OptimizerState s = adam.init(1);
    // step 1: m_hat = g, v_hat = g^2, so the step is -lr * g / (|g| + eps)
    Update first = adam.update(new double[] {3}, s);
    assertEquals(-0.1 * 3 / (3 + 1e-8), first.delta()[0], 1e-15);
    // step 2 by the formula
    Update second = adam.update(new double[] {-1}, first.state());
    double m = 0.9 * (0.1 * 3) + 0.1 * -1;
    double v = 0.999 * (0.001 * 9) + 0.001 * 1;
    double expected = -0.1 * (m / (1 - 0.81)) / (Math.sqrt(v / (1 - 0.999 * 0.999)) + 1e-8);
    assertEquals(expected, second.delta()[0], 1e-15);
    Adam.State state = (Adam.State) second.state();
    assertEquals(2, state.step());
    assertEquals(m, state.firstMoment()[0], 1e-15);
    assertEquals(v, state.secondMoment()[0], 1e-15);
  }

  @Test
  void updatesAreFunctionsOfTheirInputsOnly() {
    Adam adam = Adam.withDefaults(0.01);
    OptimizerState s = adam.init(3);
    double[] g = {1, 2, 3};
    assertArrayEquals(adam.update(g, s).delta(), adam.update(g, s).delta());
  }

  @Test
  void badHyperparametersAreNamed() {
    assertEquals("Adam beta1 must be in [0, 1), got 1.0",
        assertThrows(IllegalArgumentException.class, () -> new Adam(0.1, 1.0, 0.9, 1e-8)).getMessage());
    assertEquals("SGD learning rate must be a positive number, got -1.0",
        assertThrows(IllegalArgumentException.class, () -> new Sgd(-1)).getMessage());
  }
}
