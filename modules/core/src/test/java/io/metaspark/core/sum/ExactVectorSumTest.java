package io.metaspark.core.sum;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExactVectorSumTest {

  @Test
  void theResultIsTheCorrectlyRoundedExactSumInAnyOrderAndGrouping() {
    Random random = new Random(7);
    int length = 50;
    List<double[]> vectors = new ArrayList<>();
    for (int v = 0; v < 40; v++) {
      double[] x = new double[length];
      for (int e = 0; e < length; e++) {
        // wide exponent range and cancellation: a plain sum changes with the order here
        x[e] = (random.nextBoolean() ? 1 : -1) * random.nextDouble() * Math.pow(10, random.nextInt(30) - 15);
      }
      vectors.add(x);
    }
    double[] exact = new double[length];
    for (int e = 0; e < length; e++) {
      BigDecimal s = BigDecimal.ZERO;
      for (double[] x : vectors) {
        s = s.add(new BigDecimal(x[e]));
      }
      exact[e] = s.round(MathContext.DECIMAL128).doubleValue();
    }
    boolean plainSumsDiffered = false;
    double[] firstPlain = null;
    for (int trial = 0; trial < 20; trial++) {
      Collections.shuffle(vectors, random);
      // split into a random number of "partitions", each summed on its own, merged in shuffled order
      int parts = 1 + random.nextInt(7);
      List<ExactVectorSum> partials = new ArrayList<>();
      for (int p = 0; p < parts; p++) {
        partials.add(new ExactVectorSum(length));
      }
      double[] plain = new double[length];
      for (int i = 0; i < vectors.size(); i++) {
        partials.get(i % parts).add(vectors.get(i));
        for (int e = 0; e < length; e++) {
          plain[e] += vectors.get(i)[e];
        }
      }
      Collections.shuffle(partials, random);
      ExactVectorSum total = new ExactVectorSum(length);
      for (ExactVectorSum p : partials) {
        total.merge(p);
      }
      assertArrayEquals(exact, total.round(), "trial " + trial);
      assertEquals(vectors.size(), total.vectors());
      if (firstPlain == null) {
        firstPlain = plain;
      } else if (!Arrays.equals(firstPlain, plain)) {
        plainSumsDiffered = true;
      }
    }
    assertTrue(plainSumsDiffered, "the data should make naive summation order-dependent");
  }

  @Test
  void roundsHalfwayCasesToEven() {
    // 1 + 2^-53 + 2^-105... exercises the msum correction: exact sum is just above half an ulp
    ExactVectorSum s = new ExactVectorSum(1);
    s.add(new double[] {1.0}).add(new double[] {Math.pow(2, -53)}).add(new double[] {Math.pow(2, -105)});
    assertEquals(1.0 + Math.ulp(1.0), s.round()[0]);
    ExactVectorSum t = new ExactVectorSum(1);
    t.add(new double[] {1.0}).add(new double[] {Math.pow(2, -53)});
    assertEquals(1.0, t.round()[0], "a tie rounds to even");
  }

  @Test
  void nonFiniteValuesPropagateWhateverTheOrder() {
    ExactVectorSum a = new ExactVectorSum(3);
    a.add(new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY});
    a.add(new double[] {1, 1, Double.NEGATIVE_INFINITY});
    double[] r = a.round();
    assertTrue(Double.isNaN(r[0]));
    assertEquals(Double.POSITIVE_INFINITY, r[1]);
    assertTrue(Double.isNaN(r[2]));
  }

  @Test
  void manyPartialsGrowTheStorage() {
    ExactVectorSum s = new ExactVectorSum(1);
    BigDecimal exact = BigDecimal.ZERO;
    for (int k = 0; k < 60; k++) {
      double x = Math.scalb(1.0, -k * 17);
      s.add(new double[] {x});
      exact = exact.add(new BigDecimal(x));
    }
    assertEquals(exact.doubleValue(), s.round()[0]);
  }

  /** The reference: every value through one list of Shewchuk partials, Python's msum, the previous implementation. */
  private static double msum(List<double[]> vectors, int e) {
    ShewchukPartials reference = new ShewchukPartials(1);
    double nonFinite = 0;
    boolean sawNonFinite = false;
    boolean onlyNegativeZeros = true;
    for (double[] x : vectors) {
      double v = x[e];
      onlyNegativeZeros &= Double.doubleToRawLongBits(v) == Double.doubleToRawLongBits(-0.0);
      if (!Double.isFinite(v)) {
        nonFinite += v;
        sawNonFinite = true;
      } else if (v != 0) {
        double overflow = reference.add(0, v);
        if (overflow != 0) {
          nonFinite += overflow;
          sawNonFinite = true;
        }
      }
    }
    if (sawNonFinite) {
      return nonFinite;
    }
    double[] list = new double[reference.count(0) + 1];
    for (int p = 0; p < reference.count(0); p++) {
      list[p] = reference.partial(0, p);
    }
    double r = ShewchukPartials.round(list, reference.count(0));
    return r == 0 && onlyNegativeZeros && !vectors.isEmpty() ? -0.0 : r;
  }

  /** Values that reach every path: window, below and above its scale, subnormals, near overflow, zeros. */
  private static double awkward(Random random) {
    double sign = random.nextBoolean() ? 1 : -1;
    switch (random.nextInt(10)) {
      case 0:
        return sign * random.nextDouble() * Double.MIN_NORMAL;
      case 1:
        return sign * random.nextDouble() * 1e300;
      case 2:
        return random.nextBoolean() ? 0.0 : -0.0;
      case 3:
        return sign * Math.scalb(1.0, random.nextInt(-1074, 1000));
      case 4:
        return sign * random.nextDouble() * Math.scalb(1.0, random.nextInt(-1000, 1000));
      default:
        return sign * random.nextGaussian() * Math.pow(10, random.nextInt(-8, 3));
    }
  }

  @Test
  void everyElementRoundsBitForBitAsShewchuksMsumDoes() {
    Random random = new Random(11);
    int length = 400;
    List<double[]> vectors = new ArrayList<>();
    for (int v = 0; v < 60; v++) {
      double[] x = new double[length];
      for (int e = 0; e < length; e++) {
        x[e] = awkward(random);
      }
      if (v % 7 == 3) {
        // exact cancellation of an earlier vector, element by element
        for (int e = 0; e < length; e++) {
          x[e] = -vectors.get(v / 2)[e];
        }
      }
      vectors.add(x);
    }
    for (int e = 0; e < length; e += 10) {
      // elements of zeros only: -0.0 alone stays -0.0
      for (double[] x : vectors) {
        x[e] = e % 20 == 0 ? -0.0 : 0.0;
      }
    }
    for (int trial = 0; trial < 5; trial++) {
      Collections.shuffle(vectors, random);
      int parts = 1 + random.nextInt(6);
      List<ExactVectorSum> partials = new ArrayList<>();
      for (int p = 0; p < parts; p++) {
        partials.add(new ExactVectorSum(length));
      }
      for (int i = 0; i < vectors.size(); i++) {
        partials.get(random.nextInt(parts)).add(vectors.get(i));
      }
      ExactVectorSum total = new ExactVectorSum(length);
      for (ExactVectorSum p : partials) {
        total.merge(trial % 2 == 0 ? p : roundTrip(p));
      }
      double[] r = total.round();
      for (int e = 0; e < length; e++) {
        assertEquals(Double.doubleToRawLongBits(msum(vectors, e)), Double.doubleToRawLongBits(r[e]),
            "element " + e + " trial " + trial + ": " + msum(vectors, e) + " vs " + r[e]);
      }
    }
  }

  /**
   * Gradient-like values, each element at its own scale: every sum stays in its window, with no
   * partials, and is rounded straight from the window's bits (half the elements round up).
   */
  @Test
  void windowsRoundStraightFromTheirBitsAsMsumDoes() {
    Random random = new Random(13);
    int length = 500;
    double[] scale = new double[length];
    for (int e = 0; e < length; e++) {
      scale[e] = Math.pow(10, random.nextInt(-6, 3));
    }
    List<double[]> vectors = new ArrayList<>();
    for (int v = 0; v < 25; v++) {
      double[] x = new double[length];
      for (int e = 0; e < length; e++) {
        x[e] = random.nextGaussian() * scale[e];
      }
      vectors.add(x);
    }
    ExactVectorSum half = new ExactVectorSum(length);
    ExactVectorSum otherHalf = new ExactVectorSum(length);
    for (int v = 0; v < vectors.size(); v++) {
      (v % 2 == 0 ? half : otherHalf).add(vectors.get(v));
    }
    double[] r = half.merge(roundTrip(otherHalf)).round();
    for (int e = 0; e < length; e++) {
      assertEquals(Double.doubleToRawLongBits(msum(vectors, e)), Double.doubleToRawLongBits(r[e]), "element " + e);
    }
  }

  @Test
  void windowsSpillBeforeTheyCanOverflow() {
    // the first value, 1.0, sets the scale to 2^-96; values just below 2^14 then sit at the window's
    // top (shift 57, each add near 2^110), and 5 * 2^15 of them would pass 2^127 without the spills
    Random random = new Random(5);
    List<double[]> vectors = new ArrayList<>();
    for (int v = 0; v < 5 * (1 << 15); v++) {
      vectors.add(new double[] {Math.scalb(1.0 - random.nextDouble() * 1e-9, 14) * 0.9999,
          -Math.scalb(1.0, 14) * (0.5 + random.nextDouble() / 2.01)});
    }
    vectors.set(0, new double[] {1.0, 1.0});
    ExactVectorSum whole = new ExactVectorSum(2);
    ExactVectorSum half = new ExactVectorSum(2);
    ExactVectorSum otherHalf = new ExactVectorSum(2);
    for (int v = 0; v < vectors.size(); v++) {
      whole.add(vectors.get(v));
      (v % 2 == 0 ? half : otherHalf).add(vectors.get(v));
    }
    double[] merged = half.merge(otherHalf).round();
    for (int e = 0; e < 2; e++) {
      assertEquals(msum(vectors, e), whole.round()[e]);
      assertEquals(msum(vectors, e), merged[e]);
    }
  }

  @Test
  void encodingsThatAreNotASumAreRefusedBeforeUse() {
    ExactVectorSum s = new ExactVectorSum(3).add(new double[] {1, 2, 3});
    ExactVectorSum.Encoded encoded = s.encode();
    ByteBuffer good = ByteBuffer.allocate(encoded.bytes());
    encoded.writeTo(good);
    assertEquals(encoded.bytes(), good.position());
    byte[] bytes = good.array();
    for (int cut : new int[] {0, 5, 20, bytes.length - 1}) {
      assertThrows(RuntimeException.class,
          () -> ExactVectorSum.readFrom(ByteBuffer.wrap(Arrays.copyOf(bytes, cut))));
    }
    // header (16), scale-and-zero bytes (3), window lengths (3), then element 0's window: its
    // trailing zeros (1.0 at scale 2^-96 is 1 shifted by 96) and its one significant byte
    int heads = 16;
    int lengths = heads + 3;
    int firstWindow = lengths + 3;
    assertEquals(96, bytes[firstWindow]);
    assertEquals(1, bytes[firstWindow + 1]);
    assertRefused(bytes, firstWindow, (byte) 126, "element 0"); // 2^126: beyond what 1 add can make
    assertRefused(bytes, firstWindow, (byte) 127, "element 0"); // the 1 shifted onto the sign bit
    assertRefused(bytes, firstWindow, (byte) 200, "element 0"); // more zeros than 128 bits
    assertRefused(bytes, heads, (byte) 255, "element 0"); // a scale code past the grid
    assertRefused(bytes, heads + 1, (byte) 1, "element 1"); // no scale (code 0), but a window
    assertRefused(bytes, lengths + 2, (byte) 17, "element 2"); // longer than two words
    assertRefused(bytes, lengths + 2, (byte) 16, "windows of"); // more window bytes than the message has
  }

  private static void assertRefused(byte[] good, int at, byte value, String named) {
    byte[] bad = good.clone();
    bad[at] = value;
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ExactVectorSum.readFrom(ByteBuffer.wrap(bad)));
    assertTrue(e.getMessage().contains(named), e.getMessage());
  }

  @Test
  void aWindowTravelsInTheBytesItsBitsNeed() {
    // at scale 2^-96, 1 + 1 is 2^97: 97 trailing zeros and one byte; 3 + 3 is 3 * 2^97 and
    // -2.5 - 2.5 is -5 * 2^96, each a byte with its sign
    ExactVectorSum s = new ExactVectorSum(3).add(new double[] {1, 3, -2.5}).add(new double[] {1, 3, -2.5});
    int header = 16;
    int perElement = 2 + 1 + 1;
    assertEquals(header + 3 * perElement + 4 + 4, s.encode().bytes());
    assertArrayEquals(new double[] {2, 6, -5}, roundTrip(s).round());
    // a gradient-like sum: 16 values of similar size make windows of about 75 significant bits, 10
    // bytes with the trailing zero count, plus the 2 bytes every element has: 12, where 21 were
    Random random = new Random(17);
    ExactVectorSum gradients = new ExactVectorSum(1000);
    for (int v = 0; v < 16; v++) {
      double[] g = new double[1000];
      for (int e = 0; e < g.length; e++) {
        g[e] = random.nextGaussian() * 1e-3;
      }
      gradients.add(g);
    }
    double perParameter = (gradients.encode().bytes() - header - 8) / 1000.0;
    assertTrue(perParameter < 13.5, perParameter + " bytes per element");
  }

  private static ExactVectorSum roundTrip(ExactVectorSum s) {
    ExactVectorSum.Encoded encoded = s.encode();
    ByteBuffer buffer = ByteBuffer.allocate(encoded.bytes());
    encoded.writeTo(buffer);
    assertEquals(0, buffer.remaining());
    buffer.flip();
    return ExactVectorSum.readFrom(buffer);
  }
}
