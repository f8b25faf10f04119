package io.metaspark.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.core.optim.Adam;
import io.metaspark.core.optim.Sgd;
import io.metaspark.core.sum.OutcomeSum.MeanOutcome;
import org.junit.jupiter.api.Test;

/** What the divergence guard lets through: only finite states with every parameter below the bound. */
class OuterStepTest {
  private static final double[] START = {1, -2};

  private static MeanOutcome gradient(double... g) {
    return new MeanOutcome(g, 1.0, 0.5, 4);
  }

  @Test
  void aFiniteUpdateWithinTheBoundIsApplied() {
    OuterStep.Result r = new OuterStep(new Sgd(0.5), 100).apply(new TrainingState(7, START, Sgd.state(7)),
        gradient(2, 2), true, null);
    assertFalse(r.skipped());
    assertArrayEquals(new double[] {0, -3}, r.state().params(), 0);
    assertEquals(8, r.state().nextIteration());
  }

  /** Plain SGD with a large step: the gradient is finite, the state it gives is blown up. */
  @Test
  void anUpdateThatTakesAParameterToTheBoundIsSkippedAndSaysSo() {
    TrainingState start = new TrainingState(7, START, Sgd.state(7));
    OuterStep.Result r = new OuterStep(new Sgd(0.3), 1e6).apply(start, gradient(-4e6, 0), true, null);
    assertTrue(r.skipped());
    assertTrue(r.skipReason().contains("magnitude 1.20e+06") && r.skipReason().contains("bound 1.00e+06"),
        r.skipReason());
    assertSame(START, r.state().params(), "the state stays as it was");
    assertEquals(Sgd.state(7), r.state().optimizerState());
    assertEquals(8, r.state().nextIteration());

    OuterStep.Result overflow = new OuterStep(new Sgd(1e300), Double.MAX_VALUE).apply(start, gradient(-1e10, 0), false, null);
    assertTrue(overflow.skipReason().contains("non-finite parameters"), overflow.skipReason());
  }

  @Test
  void aNonFiniteGradientLossOrOptimizerStateIsSkipped() {
    TrainingState start = new TrainingState(0, START, Sgd.state(0));
    OuterStep sgd = new OuterStep(new Sgd(0.1), 1e6);
    assertTrue(sgd.apply(start, gradient(Double.NaN, 0), false, null).skipReason().contains("meta-gradient"));
    assertTrue(sgd.apply(start, new MeanOutcome(new double[] {1, 1}, Double.POSITIVE_INFINITY, 1, 4), true, null)
        .skipReason().contains("query loss"));
    // an unmeasured iteration has no losses to check
    assertFalse(sgd.apply(start, new MeanOutcome(new double[] {1, 1}, Double.NaN, Double.NaN, 4), false, null).skipped());

    // Adam's moments are part of the state a checkpoint keeps: a non-finite one is as blown up as a parameter
    TrainingState adamStart = new TrainingState(3, START, Adam.state(3, new double[2], new double[] {Double.POSITIVE_INFINITY, 0}));
    OuterStep.Result r = new OuterStep(Adam.withDefaults(0.001), 1e6).apply(adamStart, gradient(1, 0), true, null);
    assertTrue(r.skipReason().contains("optimizer state"), r.skipReason());
  }
}
