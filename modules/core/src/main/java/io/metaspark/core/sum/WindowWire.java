package io.metaspark.core.sum;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A 128-bit window (two's complement, high:low) on the wire in as few bytes as its bits need: its
 * trailing zeros counted, then the significant part shifted down and written in the fewest whole
 * bytes that hold it with its sign. A window's value is a sum of doubles shifted 16 to 47 binades
 * up from its scale, so it has at least as many trailing zeros as its smallest value's shift, and
 * no more significant bits than its values' mantissas and their spread need (a sum of floats'
 * 24-bit mantissas: 4 or 5 bytes). Each window is written as two whole little-endian words (the
 * buffer has 16 bytes of slack, the next window overwriting what this one does not use), and read
 * the same way, so neither side loops over bytes.
 */
final class WindowWire {
  private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private WindowWire() {}

  /**
   * Writes the window's significant byte count to {@code lengths[lengthAt]} and, when it is not
   * empty, its trailing zero count and significant bytes to {@code out} from {@code at}, which must
   * have 16 bytes of room past them. Returns where the next window goes.
   */
  static int write(long high, long low, byte[] lengths, int lengthAt, byte[] out, int at) {
    if ((high | low) == 0) {
      lengths[lengthAt] = 0;
      return at;
    }
    int zeros = low != 0 ? Long.numberOfTrailingZeros(low) : 64 + Long.numberOfTrailingZeros(high);
    long shiftedHigh = shiftedHigh(high, zeros);
    long shiftedLow = shiftedLow(high, low, zeros);
    int bytes = bytesWithSign(shiftedHigh, shiftedLow);
    lengths[lengthAt] = (byte) bytes;
    out[at] = (byte) zeros;
    LONG_LE.set(out, at + 1, shiftedLow);
    LONG_LE.set(out, at + 1 + Long.BYTES, shiftedHigh);
    return at + 1 + bytes;
  }

  /**
   * Reads a window of {@code lengthByte} significant bytes (checked by the caller to be at most 16)
   * from {@code in} at {@code at}, which must have 16 bytes of room past it, into
   * {@code high[e]}, {@code low[e]}. Returns where the next window starts.
   *
   * @throws IllegalArgumentException for a trailing zero count that would push bits out of the 128
   */
  static int read(byte lengthByte, byte[] in, int at, long[] high, long[] low, int e) {
    int bytes = lengthByte;
    if (bytes == 0) {
      high[e] = 0;
      low[e] = 0;
      return at;
    }
    int zeros = Byte.toUnsignedInt(in[at]);
    long shiftedLow = (long) LONG_LE.get(in, at + 1);
    long shiftedHigh = (long) LONG_LE.get(in, at + 1 + Long.BYTES);
    // keep the bytes that were written, extending the top one's sign over the rest
    if (bytes <= Long.BYTES) {
      int unused = 64 - 8 * bytes;
      shiftedLow = (shiftedLow << unused) >> unused;
      shiftedHigh = shiftedLow >> 63;
    } else {
      int unused = 128 - 8 * bytes;
      shiftedHigh = (shiftedHigh << unused) >> unused;
    }
    long unshiftedHigh = unshiftedHigh(shiftedHigh, shiftedLow, zeros);
    long unshiftedLow = zeros >= 64 ? 0 : shiftedLow << zeros;
    if (zeros > 127 || shiftedHigh(unshiftedHigh, zeros) != shiftedHigh
        || shiftedLow(unshiftedHigh, unshiftedLow, zeros) != shiftedLow) {
      throw new IllegalArgumentException("bad window for element " + e + ": " + bytes + " bytes shifted by " + zeros
          + " bits");
    }
    high[e] = unshiftedHigh;
    low[e] = unshiftedLow;
    return at + 1 + bytes;
  }

  /** (high:low) >> zeros, arithmetic: its high word. */
  private static long shiftedHigh(long high, int zeros) {
    return zeros >= 64 ? high >> 63 : high >> zeros;
  }

  /** (high:low) >> zeros, arithmetic: its low word (two shifts, as Java takes a shift count modulo 64). */
  private static long shiftedLow(long high, long low, int zeros) {
    return zeros >= 64 ? high >> (zeros - 64) : (low >>> zeros) | ((high << 1) << (63 - zeros));
  }

  /** (high:low) << zeros: its high word. */
  private static long unshiftedHigh(long high, long low, int zeros) {
    return zeros >= 64 ? low << (zeros - 64) : (high << zeros) | ((low >>> 1) >>> (63 - zeros));
  }

  /** Whole bytes that hold the two's complement (high:low) with its sign bit. */
  private static int bytesWithSign(long high, long low) {
    int bits = high == (low >> 63)
        ? 65 - Long.numberOfLeadingZeros(low ^ (low >> 63))
        : 129 - Long.numberOfLeadingZeros(high ^ (high >> 63));
    return (bits + 7) >>> 3;
  }
}
