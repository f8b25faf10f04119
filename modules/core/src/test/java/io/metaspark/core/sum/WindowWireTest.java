package io.metaspark.core.sum;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Windows of every width and shift, both signs, come back from their short form bit for bit. */
class WindowWireTest {
  @Test
  void everyWindowComesBackAndTakesTheBytesItsSignificantBitsNeed() {
    Random random = new Random(23);
    int windows = 20_000;
    long[] high = new long[windows];
    long[] low = new long[windows];
    for (int w = 0; w < windows; w++) {
      // a significant part of 1 to 127 bits (sign included), shifted up by 0 to 126 - its width
      int bits = 1 + random.nextInt(127);
      long partLow = random.nextLong();
      long partHigh = bits > 64 ? random.nextLong() >> (128 - bits) : partLow >> 63;
      if (bits <= 64) {
        partLow = partLow >> (64 - bits);
        partHigh = partLow >> 63;
      }
      int shift = random.nextInt(128 - bits);
      high[w] = shift == 0 ? partHigh : shift >= 64 ? partLow << (shift - 64)
          : (partHigh << shift) | (partLow >>> (64 - shift));
      low[w] = shift >= 64 ? 0 : partLow << shift;
    }
    high[0] = 0;
    low[0] = 0;
    high[1] = Long.MIN_VALUE;
    low[1] = 0;
    high[2] = -1;
    low[2] = -1;
    byte[] lengths = new byte[windows];
    byte[] out = new byte[windows * 17 + 16];
    int at = 0;
    for (int w = 0; w < windows; w++) {
      int before = at;
      at = WindowWire.write(high[w], low[w], lengths, w, out, at);
      assertEquals(lengths[w] == 0 ? 0 : 1 + lengths[w], at - before, "window " + w);
      assertEquals(significantBytes(high[w], low[w]), lengths[w], "window " + w);
    }
    assertEquals(0, lengths[0], "an empty window has no bytes");
    assertEquals(1, lengths[2], "-1 is one byte");
    assertEquals(1, lengths[1], "-2^127 is -1 shifted by 127: one byte");
    long[] readHigh = new long[windows];
    long[] readLow = new long[windows];
    int from = 0;
    for (int w = 0; w < windows; w++) {
      from = WindowWire.read(lengths[w], out, from, readHigh, readLow, w);
      assertEquals(high[w], readHigh[w], "high word of window " + w);
      assertEquals(low[w], readLow[w], "low word of window " + w);
    }
    assertEquals(at, from);
  }

  /** The bytes of the value with its trailing zeros dropped, sign included, the slow way. */
  private static int significantBytes(long high, long low) {
    BigInteger value = BigInteger.valueOf(high).shiftLeft(64).add(new BigInteger(Long.toUnsignedString(low)));
    if (value.signum() == 0) {
      return 0;
    }
    BigInteger odd = value.shiftRight(value.getLowestSetBit());
    return (odd.bitLength() + 1 + 7) / 8;
  }
}
