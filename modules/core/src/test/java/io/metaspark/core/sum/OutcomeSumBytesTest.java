package io.metaspark.core.sum;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.core.algo.TaskOutcome;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Partial sums sent as bytes (barrier mode's allGather) merge to the same mean, bit for bit. */
class OutcomeSumBytesTest {

  @Test
  void partialSumsMergedFromTheirBytesGiveTheSameMeanBitForBit() {
    Random random = new Random(3);
    OutcomeSum a = OutcomeSum.empty();
    OutcomeSum b = OutcomeSum.empty();
    for (int task = 0; task < 13; task++) {
      // wide exponents and cancellation, so the partials hold more than one double per element
      double[] g = new double[30];
      for (int e = 0; e < g.length; e++) {
        g[e] = (random.nextBoolean() ? 1 : -1) * random.nextDouble() * Math.pow(10, random.nextInt(30) - 15);
      }
      boolean measured = task % 3 == 0;
      TaskOutcome outcome = new TaskOutcome(g, measured ? random.nextDouble() : Double.NaN,
          measured ? random.nextDouble() : Double.NaN);
      (task % 2 == 0 ? a : b).add(outcome);
    }
    OutcomeSum.MeanOutcome direct = OutcomeSum.empty().merge(a).merge(b).mean();
    OutcomeSum.MeanOutcome viaBytes =
        OutcomeSum.empty().merge(OutcomeSum.fromBytes(a.toBytes())).merge(OutcomeSum.fromBytes(b.toBytes())).mean();
    assertArrayEquals(direct.metaGradient(), viaBytes.metaGradient());
    assertEquals(Double.doubleToRawLongBits(direct.queryLossBefore()), Double.doubleToRawLongBits(viaBytes.queryLossBefore()));
    assertEquals(Double.doubleToRawLongBits(direct.queryLossAfter()), Double.doubleToRawLongBits(viaBytes.queryLossAfter()));
    assertEquals(13, viaBytes.tasks());
  }

  @Test
  void nonFiniteEntriesAndEmptySumsSurviveTheTrip() {
    OutcomeSum s = OutcomeSum.empty()
        .add(new TaskOutcome(new double[] {1, Double.NaN, Double.POSITIVE_INFINITY, 2}, Double.NaN, Double.NaN))
        .add(new TaskOutcome(new double[] {1e300, 0, 1, 3}, Double.NaN, Double.NaN));
    double[] g = OutcomeSum.fromBytes(s.toBytes()).mean().metaGradient();
    assertEquals(5e299, g[0]);
    assertTrue(Double.isNaN(g[1]));
    assertEquals(Double.POSITIVE_INFINITY, g[2]);
    assertEquals(2.5, g[3]);

    OutcomeSum empty = OutcomeSum.fromBytes(OutcomeSum.empty().toBytes());
    assertEquals(0, empty.tasks());
    assertEquals(2, OutcomeSum.empty().merge(empty).merge(s).tasks());
  }
}
