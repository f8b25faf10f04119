package io.metaspark.core.sum;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Exact sums kept as lists of non-overlapping partials (Shewchuk 1997, the algorithm behind
 * Python's {@code math.fsum}), one list per element, allocated only for the elements that use one.
 *
 * <p>{@link ExactVectorSum} keeps most of a sum in fixed-point windows, which are several times
 * faster to add to; these lists take what a window cannot hold exactly (values far from the
 * window's scale, windows of another scale met in a merge), and are where an element's parts are
 * combined and rounded at the end. Any double's exact value fits: the range of doubles spans about
 * 40 non-overlapping partials.
 */
final class ShewchukPartials implements Serializable {
  /** Non-overlapping partials of doubles: at most ~40 per element, so a byte holds the count. */
  static final int MAX_PARTIALS = 64;

  private final double[][] lists;
  private final int[] counts;
  private int elementsInUse;

  ShewchukPartials(int length) {
    this.lists = new double[length][];
    this.counts = new int[length];
  }

  int count(int e) {
    return counts[e];
  }

  double partial(int e, int p) {
    return lists[e][p];
  }

  int elementsInUse() {
    return elementsInUse;
  }

  /**
   * Adds finite {@code x} to element e's exact sum. Returns 0, or the element's whole sum when it
   * overflowed (an infinity; the finite partials are dropped then, as the caller keeps the
   * infinity on the side).
   */
  double add(int e, double x) {
    double[] list = lists[e];
    if (list == null) {
      list = new double[4];
      lists[e] = list;
      elementsInUse++;
    }
    int n = counts[e];
    if (n == list.length) {
      list = Arrays.copyOf(list, n * 2);
      lists[e] = list;
    }
    int kept = addTo(list, n, x);
    if (kept < 0) {
      counts[e] = 0;
      return list[0];
    }
    counts[e] = kept;
    return 0;
  }

  /**
   * Shewchuk's grow-expansion step: {@code list[0, n)} and x become the list's new partials. Returns
   * their count, or -1 when the sum overflowed, with the infinity in {@code list[0]}. The list must
   * have room for n + 1 entries.
   */
  static int addTo(double[] list, int n, double x) {
    int kept = 0;
    for (int p = 0; p < n; p++) {
      double y = list[p];
      // Knuth's TwoSum: the exact error of x + y whichever is larger (no branch on magnitudes,
      // which went wrong half the time on gradient entries)
      double hi = x + y;
      double yPart = hi - x;
      double lo = (x - (hi - yPart)) + (y - yPart);
      if (lo != 0.0) {
        list[kept++] = lo;
      }
      x = hi;
    }
    if (!Double.isFinite(x)) {
      list[0] = x;
      return -1;
    }
    list[kept++] = x;
    return kept;
  }

  /** Python's msum final step over {@code list[0, n)}: add partials from the top, then correct a half-way rounding. */
  static double round(double[] list, int n) {
    if (n == 0) {
      return 0.0;
    }
    double hi = list[--n];
    double lo = 0;
    while (n > 0) {
      double x = hi;
      double y = list[--n];
      hi = x + y;
      double yr = hi - x;
      lo = y - yr;
      if (lo != 0.0) {
        break;
      }
    }
    if (n > 0 && ((lo < 0 && list[n - 1] < 0) || (lo > 0 && list[n - 1] > 0))) {
      double y = lo * 2;
      double x = hi + y;
      double yr = x - hi;
      if (y == yr) {
        hi = x;
      }
    }
    return hi;
  }

  int encodedBytes() {
    int bytes = Integer.BYTES;
    for (int e = 0; e < counts.length; e++) {
      if (counts[e] > 0) {
        bytes += Integer.BYTES + 1 + counts[e] * Double.BYTES;
      }
    }
    return bytes;
  }

  static int maxEncodedBytes(int length) {
    return Integer.BYTES + length * (Integer.BYTES + 1 + MAX_PARTIALS * Double.BYTES);
  }

  /** The elements that have partials, in index order: index, count, partials. */
  void writeTo(ByteBuffer out) {
    int used = 0;
    for (int count : counts) {
      if (count > 0) {
        used++;
      }
    }
    out.putInt(used);
    for (int e = 0; e < counts.length; e++) {
      if (counts[e] > 0) {
        out.putInt(e);
        out.put((byte) counts[e]);
        for (int p = 0; p < counts[e]; p++) {
          out.putDouble(lists[e][p]);
        }
      }
    }
  }

  /** Reads what {@link #writeTo} wrote into this (empty) instance, checking it as untrusted input. */
  void readFrom(ByteBuffer in) {
    int used = in.getInt();
    if (used < 0 || used > counts.length) {
      throw new IllegalArgumentException("partials for " + used + " of " + counts.length + " elements");
    }
    int previous = -1;
    for (int i = 0; i < used; i++) {
      int e = in.getInt();
      int n = Byte.toUnsignedInt(in.get());
      if (e <= previous || e >= counts.length || n == 0 || n > MAX_PARTIALS) {
        throw new IllegalArgumentException("bad partials entry: element " + e + ", " + n + " partials");
      }
      double[] list = new double[Math.max(4, n + 1)];
      for (int p = 0; p < n; p++) {
        list[p] = in.getDouble();
        if (!Double.isFinite(list[p])) {
          throw new IllegalArgumentException("non-finite partial for element " + e);
        }
      }
      lists[e] = list;
      counts[e] = n;
      elementsInUse++;
      previous = e;
    }
  }
}
