package io.metaspark.core.sum;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
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
      } else if (!java.util.Arrays.equals(firstPlain, plain)) {
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
}
