package io.metaspark.core.sum;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * An element-wise sum of double vectors whose result does not depend on the order the vectors
 * are added or merged in: each element is kept exactly and rounded once at the end, to the
 * correctly rounded (half-even) value of the exact sum. That is what makes a run independent of
 * the number of executors, of how Spark groups task results in its aggregation tree, and of
 * retries: floating-point addition is not associative, so a plain running sum would change in its
 * last bits with the merge order. Because the rounded result is a function of the exact sum alone,
 * any exact representation gives the same bits; this one is chosen for speed.
 *
 * <p>Each element's sum is mostly a 128-bit fixed-point integer (a window) times 2^scale, the
 * scale fixed by the first non-zero value the element sees (in steps of 32 binades). Adding a
 * double whose bits fall inside the window is integer arithmetic with no loop and no
 * data-dependent branch: several times cheaper than the list of partials of Shewchuk's algorithm
 * (Python's {@code math.fsum}), which it replaced on the executors' hot path. What a window cannot
 * hold exactly (a value far below or above its scale, a merged window of another scale) goes to
 * {@link ShewchukPartials}, exact whatever the values; the two parts are combined when rounding.
 *
 * <p>Non-finite inputs are summed on the side (NaN and infinities combine the same in any order)
 * and win over the finite part. A finite sum that overflows also ends up there. An element that
 * only ever saw -0.0 sums to -0.0, like IEEE addition; any other exact zero is +0.0.
 */
public final class ExactVectorSum implements Serializable {
  private static final int NO_SCALE = Integer.MIN_VALUE;
  /** A window holds values m * 2^shift with m < 2^53 and shift in [0, 58]: each add is below 2^111. */
  private static final int MAX_SHIFT = 58;
  /** 2^15 adds below 2^111 stay below 2^126: a signed 128-bit window never overflows before it spills. */
  private static final int MAX_WINDOW_ADDS = 1 << 15;
  /** The smallest double's exponent: a window's scale stays at or above it, so its pieces convert exactly. */
  private static final int MIN_SCALE = -1074;
  private static final long PIECE_MASK = (1L << 43) - 1;
  private static final byte ONLY_NEGATIVE_ZEROS = 1;
  private static final byte OTHER_VALUES = 2;
  /** The fixed part of an encoding: length, vector count, window adds, non-finite and partials counts. */
  private static final int HEADER_BYTES = Integer.BYTES + Long.BYTES + Integer.BYTES;
  /** Per element at least: its scale and zero state in one byte, its window's length in another. */
  private static final int MIN_ELEMENT_BYTES = 2;
  /** Per element at most: those two, the window's trailing zero count, and all 16 bytes of the window. */
  private static final int MAX_ELEMENT_BYTES = MIN_ELEMENT_BYTES + 1 + 2 * Long.BYTES;
  /** Scale codes: 0 for none, 1 for {@link #MIN_SCALE}, then the 32-binade grid from 2^-1056 up. */
  private static final int LOWEST_GRID_SCALE = -1056;
  private static final int HIGHEST_SCALE_CODE = 2 + (1024 - LOWEST_GRID_SCALE) / 32;

  private final int length;
  private final int[] scales;
  private final long[] windowHigh;
  private final long[] windowLow;
  /** 0 until an element sees a value, then {@link #ONLY_NEGATIVE_ZEROS} or {@link #OTHER_VALUES}: three states. */
  private final byte[] zeroStates;
  /** Window adds since the windows last spilled: bounds every window's magnitude by windowAdds * 2^111. */
  private int windowAdds;
  private ShewchukPartials partials;
  private double[] nonFinite;
  private long vectors;

  public ExactVectorSum(int length) {
    if (length < 0) {
      throw new IllegalArgumentException("length must be >= 0, got " + length);
    }
    this.length = length;
    this.scales = new int[length];
    Arrays.fill(scales, NO_SCALE);
    this.windowHigh = new long[length];
    this.windowLow = new long[length];
    this.zeroStates = new byte[length];
  }

  public int length() {
    return length;
  }

  /**
   * A sum of {@code vectors} vectors whose exact total is {@code totals}: a complete sum's
   * {@link #round}, carried on with its count, rounds to {@code totals} bit for bit. (Merged with
   * more vectors, it would round twice.)
   */
  public static ExactVectorSum ofTotals(double[] totals, long vectors) {
    if (vectors < 0) {
      throw new IllegalArgumentException("a sum of " + vectors + " vectors");
    }
    ExactVectorSum sum = new ExactVectorSum(totals.length).add(totals);
    sum.vectors = vectors;
    return sum;
  }

  /** How many vectors went into the sum, merged ones included. */
  public long vectors() {
    return vectors;
  }

  public ExactVectorSum add(double[] x) {
    if (x.length != length) {
      throw new IllegalArgumentException("vector has " + x.length + " entries, the sum " + length);
    }
    if (windowAdds == MAX_WINDOW_ADDS) {
      spillWindows();
    }
    windowAdds++;
    for (int e = 0; e < length; e++) {
      addToElement(e, x[e]);
    }
    vectors++;
    return this;
  }

  private void addToElement(int e, double x) {
    long bits = Double.doubleToRawLongBits(x);
    int biased = (int) (bits >>> 52) & 0x7FF;
    int shift = biased - 1075 - scales[e];
    // one unsigned comparison each: a normal finite x, whose bits fall inside an existing window
    if (biased - 1 >= 0x7FE || Integer.compareUnsigned(shift, MAX_SHIFT) > 0) {
      if ((bits & Long.MAX_VALUE) == 0) {
        // a zero, frequent in ReLU networks' gradients: it adds nothing but to whether all were -0.0
        byte state = bits == 0 ? OTHER_VALUES : ONLY_NEGATIVE_ZEROS;
        if (zeroStates[e] < state) {
          zeroStates[e] = state;
        }
        return;
      }
      addOutsideWindow(e, x);
      return;
    }
    zeroStates[e] = OTHER_VALUES;
    long mantissa = (bits & 0xFFFFFFFFFFFFFL) | (1L << 52);
    long low = mantissa << shift;
    // two shifts, as Java takes a shift count modulo 64 and shift 0 must give 0 here
    long high = (mantissa >>> 1) >>> (63 - shift);
    // negate the 128-bit (high:low) when x < 0, without a branch: xor with the sign, then add one
    long sign = bits >> 63;
    long lowIsZero = ((low | -low) >>> 63) ^ 1;
    low = (low ^ sign) - sign;
    high = (high ^ sign) + (sign & lowIsZero);
    long before = windowLow[e];
    long after = before + low;
    windowLow[e] = after;
    // the unsigned carry out of the low words
    long carry = ((before & low) | ((before | low) & ~after)) >>> 63;
    windowHigh[e] += high + carry;
  }

  /** Non-zero subnormals, non-finite values, and values outside the element's window or before it has one. */
  private void addOutsideWindow(int e, double x) {
    long bits = Double.doubleToRawLongBits(x);
    int biased = (int) (bits >>> 52) & 0x7FF;
    long mantissa = bits & 0xFFFFFFFFFFFFFL;
    if (biased == 0x7FF) {
      addNonFinite(e, x);
      return;
    }
    zeroStates[e] = OTHER_VALUES;
    // x = mantissa * 2^ulpExponent exactly
    int ulpExponent;
    if (biased == 0) {
      ulpExponent = MIN_SCALE;
    } else {
      mantissa |= 1L << 52;
      ulpExponent = biased - 1075;
    }
    int scale = scales[e];
    if (scale == NO_SCALE) {
      scale = scaleFor(ulpExponent);
      scales[e] = scale;
    }
    int shift = ulpExponent - scale;
    if (shift < 0 && shift > -53 && Long.numberOfTrailingZeros(mantissa) >= -shift) {
      // below the window's scale, but its low bits are zeros: still exact
      mantissa >>>= -shift;
      shift = 0;
    }
    if (shift < 0 || shift > MAX_SHIFT) {
      addToPartials(e, x);
      return;
    }
    long low = mantissa << shift;
    long high = shift == 0 ? 0 : mantissa >>> (64 - shift);
    if (bits < 0) {
      low = -low;
      high = ~high + (low == 0 ? 1 : 0);
    }
    long before = windowLow[e];
    long after = before + low;
    windowLow[e] = after;
    windowHigh[e] += high + (Long.compareUnsigned(after, before) < 0 ? 1 : 0);
  }

  /**
   * The window's scale for an element whose first value has this ulp exponent: 16 to 47 binades
   * below it, on a grid of 32 so that partitions summing the same element usually agree and merge
   * as integers. Values up to 2^11 to 2^42 times the first, and down to 2^-16 to 2^-47 of it, fit.
   */
  private static int scaleFor(int ulpExponent) {
    return Math.max(MIN_SCALE, Math.floorDiv(ulpExponent - 16, 32) * 32);
  }

  private void addToPartials(int e, double x) {
    if (partials == null) {
      partials = new ShewchukPartials(length);
    }
    double overflow = partials.add(e, x);
    if (overflow != 0) {
      addNonFinite(e, overflow);
    }
  }

  private void addNonFinite(int e, double x) {
    if (nonFinite == null) {
      nonFinite = new double[length];
    }
    nonFinite[e] += x;
  }

  /** Moves every window's exact value to the partials, so the windows can take another 2^15 adds. */
  private void spillWindows() {
    for (int e = 0; e < length; e++) {
      spillWindow(e, windowHigh[e], windowLow[e], scales[e]);
      windowHigh[e] = 0;
      windowLow[e] = 0;
    }
    windowAdds = 0;
  }

  private void spillWindow(int e, long high, long low, int scale) {
    if (high == 0 && low == 0) {
      return;
    }
    double[] pieces = new double[3];
    int n = pieces(high, low, scale, pieces);
    for (int p = 0; p < n; p++) {
      addToPartials(e, pieces[p]);
    }
  }

  /**
   * A window's value (high:low) * 2^scale as at most three doubles whose sum is exact: pieces of 43
   * bits, each exactly a double (scale >= -1074 keeps even subnormal pieces exact; a piece beyond
   * the double range is an infinity, as the sum overflows). Returns the number written.
   */
  private static int pieces(long high, long low, int scale, double[] out) {
    boolean negative = high < 0;
    if (negative) {
      low = -low;
      high = ~high + (low == 0 ? 1 : 0);
    }
    long p0 = low & PIECE_MASK;
    long p1 = (low >>> 43) | ((high & ((1L << 22) - 1)) << 21);
    long p2 = high >>> 22;
    int n = 0;
    double sign = negative ? -1.0 : 1.0;
    if (p0 != 0) {
      out[n++] = sign * Math.scalb((double) p0, scale);
    }
    if (p1 != 0) {
      out[n++] = sign * Math.scalb((double) p1, scale + 43);
    }
    if (p2 != 0) {
      out[n++] = sign * Math.scalb((double) p2, scale + 86);
    }
    return n;
  }

  /**
   * A non-zero window's value (high:low) * 2^scale rounded half-even to a double straight from its
   * bits: the top 53, rounded up when what lies below is more than half an ulp, or exactly half and
   * the 53 bits are odd. NaN when the result would be subnormal, where a second rounding by scalb
   * could differ, so the caller takes the exact pieces instead.
   */
  private static double roundWindow(long high, long low, int scale) {
    boolean negative = high < 0;
    if (negative) {
      low = -low;
      high = ~high + (low == 0 ? 1 : 0);
    }
    int bits = high != 0 ? 128 - Long.numberOfLeadingZeros(high) : 64 - Long.numberOfLeadingZeros(low);
    if (scale + bits - 1 < -1022) {
      return Double.NaN;
    }
    double magnitude;
    if (bits <= 53) {
      magnitude = Math.scalb((double) low, scale);
    } else {
      int k = bits - 53;
      // q = the top 53 bits; below = the k bits under them, compared with half = 2^(k-1)
      long q;
      long belowHigh;
      long belowLow;
      if (k >= 64) {
        q = high >>> (k - 64);
        belowHigh = high & ((1L << (k - 64)) - 1);
        belowLow = low;
      } else {
        q = (low >>> k) | (high << (64 - k));
        belowHigh = 0;
        belowLow = low & ((1L << k) - 1);
      }
      long halfHigh = k - 1 >= 64 ? 1L << (k - 1 - 64) : 0;
      long halfLow = k - 1 >= 64 ? 0 : 1L << (k - 1);
      int versusHalf = belowHigh != halfHigh ? Long.compareUnsigned(belowHigh, halfHigh)
          : Long.compareUnsigned(belowLow, halfLow);
      if (versusHalf > 0 || (versusHalf == 0 && (q & 1) == 1)) {
        q++;
      }
      magnitude = Math.scalb((double) q, scale + k);
    }
    return negative ? -magnitude : magnitude;
  }

  /** Adds another sum's exact contents to this one; {@code other} is not changed. */
  public ExactVectorSum merge(ExactVectorSum other) {
    if (other.length != length) {
      throw new IllegalArgumentException("cannot merge a sum of length " + other.length + " into " + length);
    }
    if ((long) windowAdds + other.windowAdds > MAX_WINDOW_ADDS) {
      spillWindows();
    }
    for (int e = 0; e < length; e++) {
      zeroStates[e] = (byte) Math.max(zeroStates[e], other.zeroStates[e]);
      long high = other.windowHigh[e];
      long low = other.windowLow[e];
      if (high == 0 && low == 0) {
        continue;
      }
      if (scales[e] == NO_SCALE || (windowHigh[e] == 0 && windowLow[e] == 0)) {
        scales[e] = other.scales[e];
      }
      if (scales[e] == other.scales[e]) {
        long before = windowLow[e];
        long after = before + low;
        windowLow[e] = after;
        windowHigh[e] += high + (Long.compareUnsigned(after, before) < 0 ? 1 : 0);
      } else {
        spillWindow(e, high, low, other.scales[e]);
      }
    }
    windowAdds += other.windowAdds;
    if (other.partials != null) {
      for (int e = 0; e < length; e++) {
        for (int p = 0; p < other.partials.count(e); p++) {
          addToPartials(e, other.partials.partial(e, p));
        }
      }
    }
    if (other.nonFinite != null) {
      for (int e = 0; e < length; e++) {
        if (hasNonFinite(other.nonFinite[e])) {
          addNonFinite(e, other.nonFinite[e]);
        }
      }
    }
    vectors += other.vectors;
    return this;
  }

  private static boolean hasNonFinite(double value) {
    return value != 0 || Double.isNaN(value);
  }

  /** The correctly rounded sum of every element. */
  public double[] round() {
    double[] out = new double[length];
    double[] list = new double[ShewchukPartials.MAX_PARTIALS + 4];
    double[] pieces = new double[3];
    for (int e = 0; e < length; e++) {
      out[e] = roundElement(e, list, pieces);
    }
    return out;
  }

  private double roundElement(int e, double[] list, double[] pieces) {
    if (nonFinite != null && hasNonFinite(nonFinite[e])) {
      return nonFinite[e];
    }
    int n = partials == null ? 0 : partials.count(e);
    if (n == 0 && windowHigh[e] == 0 && windowLow[e] == 0) {
      return zeroStates[e] == ONLY_NEGATIVE_ZEROS ? -0.0 : 0.0;
    }
    if (n == 0) {
      double direct = roundWindow(windowHigh[e], windowLow[e], scales[e]);
      if (!Double.isNaN(direct)) {
        return direct;
      }
    }
    for (int p = 0; p < n; p++) {
      list[p] = partials.partial(e, p);
    }
    int added = pieces(windowHigh[e], windowLow[e], scales[e], pieces);
    for (int p = 0; p < added; p++) {
      n = ShewchukPartials.addTo(list, n, pieces[p]);
      if (n < 0) {
        return list[0];
      }
    }
    return ShewchukPartials.round(list, n);
  }

  /** The most bytes an {@link #encode encoding} can take for a sum of this length, whatever its contents. */
  public static long maxEncodedBytes(int length) {
    return HEADER_BYTES + (long) length * MAX_ELEMENT_BYTES + Integer.BYTES
        + (long) length * (Integer.BYTES + Double.BYTES) + ShewchukPartials.maxEncodedBytes(length);
  }

  /**
   * The exact state, encoded: per element a byte of scale and zero state and a byte of window
   * length, then the windows short (without their trailing zeros, a window of gradients takes 4 to
   * 8 bytes where its two words took 16, and the scale a byte where it took 4), then the
   * non-finite parts and the partials where there are any. {@link #readFrom} gives back a sum that
   * merges and rounds exactly like this one, which is what lets copies of a partial sum travel as
   * bytes and still give bit-identical totals.
   */
  public Encoded encode() {
    byte[] heads = new byte[length * MIN_ELEMENT_BYTES];
    // room for the longest windows, and 16 bytes of slack: each window is written as two whole
    // words, the next one overwriting what it does not use
    byte[] windows = new byte[length * (MAX_ELEMENT_BYTES - MIN_ELEMENT_BYTES) + 2 * Long.BYTES];
    int windowBytes = 0;
    for (int e = 0; e < length; e++) {
      heads[e] = (byte) (scaleCode(scales[e]) * 3 + zeroStates[e]);
      windowBytes = WindowWire.write(windowHigh[e], windowLow[e], heads, length + e, windows, windowBytes);
    }
    int nonFiniteElements = 0;
    if (nonFinite != null) {
      for (double v : nonFinite) {
        if (hasNonFinite(v)) {
          nonFiniteElements++;
        }
      }
    }
    return new Encoded(heads, windows, windowBytes, nonFiniteElements);
  }

  /**
   * A sum's encoding, sized before it is written ({@link #bytes}, then {@link #writeTo}); it reads
   * the sum's non-finite parts and partials when written, so write it before the sum changes.
   */
  public final class Encoded {
    private final byte[] heads;
    private final byte[] windows;
    private final int windowBytes;
    private final int nonFiniteElements;

    private Encoded(byte[] heads, byte[] windows, int windowBytes, int nonFiniteElements) {
      this.heads = heads;
      this.windows = windows;
      this.windowBytes = windowBytes;
      this.nonFiniteElements = nonFiniteElements;
    }

    public int bytes() {
      return HEADER_BYTES + heads.length + windowBytes + Integer.BYTES
          + nonFiniteElements * (Integer.BYTES + Double.BYTES)
          + (partials == null ? Integer.BYTES : partials.encodedBytes());
    }

    public void writeTo(ByteBuffer out) {
      out.putInt(length);
      out.putLong(vectors);
      out.putInt(windowAdds);
      out.put(heads);
      out.put(windows, 0, windowBytes);
      out.putInt(nonFiniteElements);
      for (int e = 0; nonFiniteElements > 0 && e < length; e++) {
        if (hasNonFinite(nonFinite[e])) {
          out.putInt(e);
          out.putDouble(nonFinite[e]);
        }
      }
      if (partials == null) {
        out.putInt(0);
      } else {
        partials.writeTo(out);
      }
    }
  }

  private static int scaleCode(int scale) {
    if (scale == NO_SCALE) {
      return 0;
    }
    if (scale == MIN_SCALE) {
      return 1;
    }
    if (scale % 32 != 0 || scale < LOWEST_GRID_SCALE || scale > 1024) {
      throw new IllegalStateException("a window scale off the grid: " + scale);
    }
    return 2 + (scale - LOWEST_GRID_SCALE) / 32;
  }

  /**
   * The sum an {@link #encode encoding} wrote. The bytes may come from the network: every field is checked
   * before it is used, so a bad encoding is an {@link IllegalArgumentException}, never a wrong sum.
   */
  public static ExactVectorSum readFrom(ByteBuffer in) {
    int length = in.getInt();
    if (length < 0 || (long) length * MIN_ELEMENT_BYTES > in.remaining()) {
      throw new IllegalArgumentException("an encoded sum of " + length + " elements in " + in.remaining() + " bytes");
    }
    ExactVectorSum sum = new ExactVectorSum(length);
    sum.vectors = in.getLong();
    sum.windowAdds = in.getInt();
    if (sum.vectors < 0 || sum.windowAdds < 0 || sum.windowAdds > MAX_WINDOW_ADDS) {
      throw new IllegalArgumentException("bad counts: " + sum.vectors + " vectors, " + sum.windowAdds + " window adds");
    }
    byte[] heads = new byte[length * MIN_ELEMENT_BYTES];
    in.get(heads);
    long windowBytes = 0;
    for (int e = 0; e < length; e++) {
      int head = Byte.toUnsignedInt(heads[e]);
      int code = head / 3;
      int significant = Byte.toUnsignedInt(heads[length + e]);
      if (code > HIGHEST_SCALE_CODE || (code == 0 && significant != 0) || significant > 2 * Long.BYTES) {
        throw new IllegalArgumentException("bad window for element " + e);
      }
      sum.scales[e] = code == 0 ? NO_SCALE : code == 1 ? MIN_SCALE : LOWEST_GRID_SCALE + 32 * (code - 2);
      sum.zeroStates[e] = (byte) (head % 3);
      windowBytes += significant == 0 ? 0 : 1 + significant;
    }
    if (windowBytes > in.remaining()) {
      throw new IllegalArgumentException("windows of " + windowBytes + " bytes in " + in.remaining());
    }
    byte[] windows = new byte[(int) windowBytes + 2 * Long.BYTES];
    in.get(windows, 0, (int) windowBytes);
    // each window add is below 2^111 = 2^47 * 2^64: a larger window would overflow in later adds
    long highBound = (long) sum.windowAdds << 47;
    int at = 0;
    for (int e = 0; e < length; e++) {
      at = WindowWire.read(heads[length + e], windows, at, sum.windowHigh, sum.windowLow, e);
      long high = sum.windowHigh[e];
      if ((high < 0 ? ~high : high) > highBound) {
        throw new IllegalArgumentException("bad window for element " + e);
      }
    }
    int nonFiniteElements = in.getInt();
    if (nonFiniteElements < 0 || nonFiniteElements > length) {
      throw new IllegalArgumentException(nonFiniteElements + " non-finite elements of " + length);
    }
    for (int i = 0; i < nonFiniteElements; i++) {
      int e = in.getInt();
      double v = in.getDouble();
      if (e < 0 || e >= length || Double.isFinite(v)) {
        throw new IllegalArgumentException("bad non-finite entry: element " + e + ", value " + v);
      }
      sum.addNonFinite(e, v);
    }
    ShewchukPartials partials = new ShewchukPartials(length);
    partials.readFrom(in);
    if (partials.elementsInUse() > 0) {
      sum.partials = partials;
    }
    return sum;
  }

  @Override
  public String toString() {
    return "ExactVectorSum(length=" + length + ", vectors=" + vectors + ", first="
        + Arrays.toString(Arrays.copyOf(round(), Math.min(length, 4))) + ")";
  }
}
