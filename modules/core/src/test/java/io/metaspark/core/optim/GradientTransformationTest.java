package io.metaspark.core.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GradientTransformationTest {
  private static final double[] ANY_PARAMS = {0, 0};

  @Test
  void sgdStepsAgainstTheGradient() {
    Sgd sgd = new Sgd(0.5);
    Update u = sgd.update(new double[] {2, -4}, sgd.init(ANY_PARAMS), ANY_PARAMS);
    assertArrayEquals(new double[] {-1, 2}, u.delta());
    double[] params = {1, 1};
    u.applyTo(params);
    assertArrayEquals(new double[] {0, 3}, params);
    assertEquals(1, u.state().counter("count"));
  }

  @Test
  void adamFollowsKingmaAndBaWithBiasCorrection() {
    Adam adam = new Adam(0.1, 0.9, 0.999, 1e-8);
    double[] params = {0};
    OptimizerState s = adam.init(params);
    // step 1: m_hat = g, v_hat = g^2, so the step is -lr * g / (|g| + eps)
    Update first = adam.update(new double[] {3}, s, params);
    assertEquals(-0.1 * 3 / (3 + 1e-8), first.delta()[0], 1e-15);
    // step 2 by the formula
    Update second = adam.update(new double[] {-1}, first.state(), params);
    double m = 0.9 * (0.1 * 3) + 0.1 * -1;
    double v = 0.999 * (0.001 * 9) + 0.001 * 1;
    double expected = -0.1 * (m / (1 - 0.81)) / (Math.sqrt(v / (1 - 0.999 * 0.999)) + 1e-8);
    assertEquals(expected, second.delta()[0], 1e-15);
    assertEquals(2, second.state().counter("count"));
    assertEquals(m, second.state().array("mu")[0], 1e-15);
    assertEquals(v, second.state().array("nu")[0], 1e-15);
  }

  @Test
  void updatesAreFunctionsOfTheirInputsOnlyAndLeaveThemAlone() {
    GradientTransformation optimizer = Chain.of(new ClipByGlobalNorm(1), Adam.withDefaults(0.01),
        new ScaleBySchedule(new CosineAnnealing(10, 0.1)));
    double[] params = {1, 2, 3};
    OptimizerState s = optimizer.init(params);
    double[] g = {1, 2, 3};
    Update once = optimizer.update(g, s, params);
    assertArrayEquals(once.delta(), optimizer.update(g, s, params).delta());
    assertEquals(once.state(), optimizer.update(g, s, params).state());
    assertArrayEquals(new double[] {1, 2, 3}, g);
    assertEquals(optimizer.init(params), s);
  }

  @Test
  void clippingScalesALongGradientToTheNormAndLeavesAShortOneAlone() {
    ClipByGlobalNorm clip = new ClipByGlobalNorm(1);
    OptimizerState s = clip.init(ANY_PARAMS);
    // |(3, 4)| = 5: scaled by 1/5
    assertArrayEquals(new double[] {0.6, 0.8}, clip.update(new double[] {3, 4}, s, ANY_PARAMS).delta(), 1e-15);
    assertArrayEquals(new double[] {0.3, 0.4}, clip.update(new double[] {0.3, 0.4}, s, ANY_PARAMS).delta());
    double[] blownUp = {Double.NaN, 1};
    assertArrayEquals(blownUp, clip.update(blownUp, s, ANY_PARAMS).delta(), "left for the divergence guard");
  }

  @Test
  void cosineAnnealingFallsAlongHalfACosineToItsFloorAndStays() {
    CosineAnnealing cosine = new CosineAnnealing(100, 0.1);
    assertEquals(1.0, cosine.multiplier(0), 1e-15);
    assertEquals(0.1 + 0.9 * 0.5, cosine.multiplier(50), 1e-15);
    assertEquals(0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * 0.25)), cosine.multiplier(25), 1e-15);
    assertEquals(0.1, cosine.multiplier(100), 1e-15);
    assertEquals(0.1, cosine.multiplier(1000), 1e-15);
  }

  @Test
  void stepDecayHalvesEveryStep() {
    StepDecay halving = new StepDecay(10, 0.5);
    assertEquals(1.0, halving.multiplier(0));
    assertEquals(1.0, halving.multiplier(9));
    assertEquals(0.5, halving.multiplier(10));
    assertEquals(0.25, halving.multiplier(29));
  }

  @Test
  void aScheduleScalesTheOptimizersUpdatesAsIfItsRateWereScheduled() {
    double[] params = {0, 0};
    double[][] gradients = {{0.3, -1}, {2, 0.5}, {-0.7, 0.1}};
    CosineAnnealing cosine = new CosineAnnealing(3, 0);
    GradientTransformation scheduled = Chain.of(new Sgd(0.5), new ScaleBySchedule(cosine));
    OptimizerState state = scheduled.init(params);
    for (int t = 0; t < gradients.length; t++) {
      Update u = scheduled.update(gradients[t], state, params);
      // SGD at the scheduled rate, 0.5 * multiplier(t)
      Update plain = new Sgd(0.5 * cosine.multiplier(t)).update(gradients[t], Sgd.state(0), params);
      assertArrayEquals(plain.delta(), u.delta(), 1e-15, "update " + t);
      state = u.state();
    }
    assertEquals(3, state.child(1).counter("count"));
  }

  @Test
  void aChainAppliesItsPartsInTurnAndKeepsTheirStatesInOrder() {
    double[] params = {0, 0};
    double[] g = {30, 40};
    Adam adam = Adam.withDefaults(0.01);
    GradientTransformation chain = Chain.of(new ClipByGlobalNorm(5), adam);
    Update u = chain.update(g, chain.init(params), params);
    Update byHand = adam.update(new double[] {3, 4}, adam.init(params), params);
    assertArrayEquals(byHand.delta(), u.delta(), 1e-15);
    assertEquals("chain(clip_by_global_norm(), adam(count, mu[2], nu[2]))", u.state().layout());
    assertEquals(byHand.state(), u.state().child(1));
    assertEquals("clip to norm 5.0, then adam", chain.describe());
  }

  @Test
  void aChainOfOneIsThePartItself() {
    Adam adam = Adam.withDefaults(0.01);
    assertSame(adam, Chain.of(adam));
    assertEquals("adam(count, mu[2], nu[2])", Chain.of(adam).init(ANY_PARAMS).layout());
  }

  @Test
  void statesCompareBitForBitAndTellWhetherTheyBlewUp() {
    OptimizerState a = Adam.state(3, new double[] {Double.NaN, 1}, new double[] {2, 3});
    assertEquals(a, Adam.state(3, new double[] {Double.NaN, 1}, new double[] {2, 3}));
    assertNotEquals(a, Adam.state(3, new double[] {Double.NaN, 1}, new double[] {2, -3}));
    assertNotEquals(a, Adam.state(4, new double[] {Double.NaN, 1}, new double[] {2, 3}));
    assertFalse(a.allFinite());
    assertFalse(OptimizerState.of("chain").child(a).build().allFinite());
    assertTrue(Adam.state(3, new double[] {0, 1}, new double[] {2, 3}).allFinite());
    assertEquals("adam state has no counter 'step' (it has adam(count, mu[2], nu[2]))",
        assertThrows(IllegalArgumentException.class, () -> a.counter("step")).getMessage());
  }

  @Test
  void badHyperparametersAreNamed() {
    assertEquals("Adam beta1 must be in [0, 1), got 1.0",
        assertThrows(IllegalArgumentException.class, () -> new Adam(0.1, 1.0, 0.9, 1e-8)).getMessage());
    assertEquals("SGD learning rate must be a positive number, got -1.0",
        assertThrows(IllegalArgumentException.class, () -> new Sgd(-1)).getMessage());
    assertEquals("the norm to clip to must be a positive number, got 0.0",
        assertThrows(IllegalArgumentException.class, () -> new ClipByGlobalNorm(0)).getMessage());
    assertEquals("cosine annealing needs >= 1 step to anneal over, got 0",
        assertThrows(IllegalArgumentException.class, () -> new CosineAnnealing(0, 0)).getMessage());
  }
}
