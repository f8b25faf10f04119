package io.metaspark.core.sum;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.core.algo.TaskOutcome;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
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
        OutcomeSum.empty().merge(OutcomeSum.fromBytes(a.toBytes(), 30)).merge(OutcomeSum.fromBytes(b.toBytes(), 30)).mean();
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
    double[] g = OutcomeSum.fromBytes(s.toBytes(), 4).mean().metaGradient();
    assertEquals(5e299, g[0]);
    assertTrue(Double.isNaN(g[1]));
    assertEquals(Double.POSITIVE_INFINITY, g[2]);
    assertEquals(2.5, g[3]);

    OutcomeSum empty = OutcomeSum.fromBytes(OutcomeSum.empty().toBytes(), 4);
    assertEquals(0, empty.tasks());
    assertEquals(2, OutcomeSum.empty().merge(empty).merge(s).tasks());
  }

  /** Wide exponents and cancellation, so the partials hold more than one double per element. */
  private static OutcomeSum spreadSum(int tasks, int length, long seed) {
    Random random = new Random(seed);
    OutcomeSum s = OutcomeSum.empty();
    for (int task = 0; task < tasks; task++) {
      double[] g = new double[length];
      for (int e = 0; e < g.length; e++) {
        g[e] = (random.nextBoolean() ? 1 : -1) * random.nextDouble() * Math.pow(10, random.nextInt(30) - 15);
      }
      s.add(new TaskOutcome(g, random.nextDouble(), random.nextDouble()));
    }
    return s;
  }

  @Test
  void aRoundedSumGivesTheSameMeanBitForBitFromAboutHalfTheBytes() {
    OutcomeSum exact = spreadSum(16, 200, 5)
        .add(new TaskOutcome(new double[200], Double.NaN, Double.NaN))
        .add(new TaskOutcome(infinityAt(3, 200), Double.NaN, Double.NaN));
    OutcomeSum rounded = OutcomeSum.fromBytes(exact.rounded().toBytes(), 200);
    OutcomeSum.MeanOutcome want = exact.mean();
    OutcomeSum.MeanOutcome got = rounded.mean();
    assertEquals(Arrays.toString(bits(want.metaGradient())), Arrays.toString(bits(got.metaGradient())));
    assertEquals(Double.doubleToRawLongBits(want.queryLossBefore()), Double.doubleToRawLongBits(got.queryLossBefore()));
    assertEquals(Double.doubleToRawLongBits(want.queryLossAfter()), Double.doubleToRawLongBits(got.queryLossAfter()));
    assertEquals(18, got.tasks());
    assertEquals(Double.POSITIVE_INFINITY, got.metaGradient()[3]);
    int denseBytes = 8 + 1 + 4 + 8 + 8 * 202;
    assertEquals(denseBytes, exact.rounded().toBytes().length, "one double per element and a small header");
    assertTrue(exact.toBytes().length > 1.5 * denseBytes, "the exact sum holds several partials per element: "
        + exact.toBytes().length);
  }

  @Test
  void aSingleOutcomeTravelsAsOneDoublePerElementAndMergesExactly() {
    OutcomeSum one = spreadSum(1, 50, 9);
    OutcomeSum others = spreadSum(7, 50, 10);
    assertEquals(8 + 1 + 4 + 8 + 8 * 52, one.toBytes().length);
    double[] direct = OutcomeSum.empty().merge(one).merge(others).mean().metaGradient();
    double[] viaBytes = OutcomeSum.fromBytes(others.toBytes(), 50).merge(OutcomeSum.fromBytes(one.toBytes(), 50))
        .mean().metaGradient();
    assertArrayEquals(direct, viaBytes);
  }

  @Test
  void bytesThatAreNotASumOfTheExpectedLengthAreRefusedWithWhatIsWrong() {
    for (OutcomeSum sum : new OutcomeSum[] {spreadSum(3, 10, 11), spreadSum(3, 10, 11).rounded(), spreadSum(1, 10, 12)}) {
      byte[] good = sum.toBytes();
      assertEquals(sum.tasks(), OutcomeSum.fromBytes(good, 10).tasks());
      String wrongLength = assertThrows(IllegalArgumentException.class, () -> OutcomeSum.fromBytes(good, 11)).getMessage();
      assertTrue(wrongLength.contains("a sum of 10 meta-gradient entries where 11 were expected"), wrongLength);

      byte[] trailing = Arrays.copyOf(good, good.length + 3);
      assertThrows(IllegalArgumentException.class, () -> OutcomeSum.fromBytes(trailing, 10));
      assertThrows(IllegalArgumentException.class, () -> OutcomeSum.fromBytes(Arrays.copyOf(good, 30), 10));
      byte[] badFlag = good.clone();
      badFlag[8] = 7; // after the measured count
      assertTrue(assertThrows(IllegalArgumentException.class, () -> OutcomeSum.fromBytes(badFlag, 10))
          .getMessage().contains("bad flag 7"));
      byte[] huge = good.clone();
      ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putInt(9, Integer.MAX_VALUE); // the vector length
      assertThrows(IllegalArgumentException.class, () -> OutcomeSum.fromBytes(huge, 10));
    }
  }

  private static double[] infinityAt(int index, int length) {
    double[] g = new double[length];
    g[index] = Double.POSITIVE_INFINITY;
    return g;
  }

  private static long[] bits(double[] values) {
    return Arrays.stream(values).mapToLong(Double::doubleToRawLongBits).toArray();
  }
}
