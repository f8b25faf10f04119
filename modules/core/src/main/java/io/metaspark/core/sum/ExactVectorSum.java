package io.metaspark.core.sum;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.Serializable;
import java.util.Arrays;

/**
 * An element-wise sum of double vectors whose result does not depend on the order the vectors
 * are added or merged in: each element is kept exactly, as a list of non-overlapping partials
 * (Shewchuk 1997, the algorithm behind Python's {@code math.fsum}), and rounded once at the end.
 *
 * <p>That is what makes a run independent of the number of executors, of how Spark groups task
 * results in its aggregation tree, and of retries: floating-point addition is not associative, so
 * a plain running sum would change in its last bits with the merge order.
 *
 * <p>Non-finite inputs are summed on the side (NaN and infinities combine the same in any order)
 * and win over the finite part. A finite sum that overflows also ends up there.
 */
public final class ExactVectorSum implements Serializable {
  /**
   * The most partials {@link #readFrom} accepts for one element: the non-overlapping partials of
   * doubles span a double's exponent range, about 40 full-width ones; sums of gradients hold a few.
   */
  public static final int MAX_PARTIALS = 64;
  private static final int EXPANSION = 0;
  private static final int DENSE = 1;
  private final int length;
  private int capacity;
  /** length x capacity partials, element e's in [e * capacity, e * capacity + counts[e]). */
  private double[] partials;
  private int[] counts;
  private double[] nonFinite;
  private long vectors;

  public ExactVectorSum(int length) {
    if (length < 0) {
      throw new IllegalArgumentException("length must be >= 0, got " + length);
    }
    this.length = length;
    this.capacity = 2;
    this.partials = new double[length * capacity];
    this.counts = new int[length];
    this.nonFinite = new double[length];
  }

  public int length() {
    return length;
  }

  /** How many vectors went into the sum, merged ones included. */
  public long vectors() {
    return vectors;
  }

  public ExactVectorSum add(double[] x) {
    if (x.length != length) {
      throw new IllegalArgumentException("vector has " + x.length + " entries, the sum " + length);
    }
    for (int e = 0; e < length; e++) {
      addToElement(e, x[e]);
    }
    vectors++;
    return this;
  }

  /** Adds another sum's exact contents to this one; {@code other} is not changed. */
  public ExactVectorSum merge(ExactVectorSum other) {
    if (other.length != length) {
      throw new IllegalArgumentException("cannot merge a sum of length " + other.length + " into " + length);
    }
    for (int e = 0; e < length; e++) {
      int base = e * other.capacity;
      for (int p = 0; p < other.counts[e]; p++) {
        addToElement(e, other.partials[base + p]);
      }
      if (other.nonFinite[e] != 0 || Double.isNaN(other.nonFinite[e])) {
        nonFinite[e] += other.nonFinite[e];
      }
    }
    vectors += other.vectors;
    return this;
  }

  /**
   * The same sum with every element replaced by its correctly rounded value, one partial each:
   * {@link #round} gives the same doubles, bit for bit, but the copy is about half the size on the
   * wire. Only for a sum that is complete: merging more vectors into the copy would round twice.
   */
  public ExactVectorSum rounded() {
    ExactVectorSum r = new ExactVectorSum(length);
    r.capacity = 1;
    r.partials = new double[length];
    for (int e = 0; e < length; e++) {
      double value = roundElement(e);
      if (Double.isFinite(value)) {
        r.partials[e] = value;
        r.counts[e] = 1;
      } else {
        r.nonFinite[e] = value;
      }
    }
    r.vectors = vectors;
    return r;
  }

  /**
   * Writes the exact state (every element's partials and non-finite part), compactly. Two layouts:
   * when every element is one finite partial or only a non-finite part (a single vector, or a
   * {@link #rounded} sum), one double per element; otherwise a partial count per element, then its
   * partials, then the non-finite parts where there are any. Reading it back gives a sum that
   * merges and rounds exactly like this one, which is what lets copies of a partial sum travel as
   * bytes and still give bit-identical totals.
   */
  public void writeTo(DataOutput out) throws IOException {
    out.writeInt(length);
    out.writeLong(vectors);
    boolean dense = isDense();
    out.writeByte(dense ? DENSE : EXPANSION);
    if (dense) {
      for (int e = 0; e < length; e++) {
        out.writeDouble(counts[e] == 1 ? partials[e * capacity] : nonFinite[e]);
      }
      return;
    }
    int nonFiniteElements = 0;
    for (int e = 0; e < length; e++) {
      // non-overlapping partials of doubles: a few per element in practice, so a byte holds the count
      out.writeByte(counts[e]);
      int base = e * capacity;
      for (int p = 0; p < counts[e]; p++) {
        out.writeDouble(partials[base + p]);
      }
      if (hasNonFinite(e)) {
        nonFiniteElements++;
      }
    }
    out.writeInt(nonFiniteElements);
    for (int e = 0; e < length; e++) {
      if (hasNonFinite(e)) {
        out.writeInt(e);
        out.writeDouble(nonFinite[e]);
      }
    }
  }

  private boolean isDense() {
    for (int e = 0; e < length; e++) {
      boolean onePartial = counts[e] == 1 && !hasNonFinite(e);
      boolean onlyNonFinite = counts[e] == 0 && hasNonFinite(e);
      if (!onePartial && !onlyNonFinite) {
        return false;
      }
    }
    return true;
  }

  /**
   * The sum {@link #writeTo} wrote, if it has {@code expectedLength} elements. Checked before
   * anything is allocated, so bytes from the network cannot make it allocate more than a real sum
   * of that length: an {@link IOException} names what is wrong.
   */
  public static ExactVectorSum readFrom(DataInput in, int expectedLength) throws IOException {
    int length = in.readInt();
    if (length != expectedLength) {
      throw new IOException("a sum of " + length + " elements where " + expectedLength + " were expected");
    }
    ExactVectorSum sum = new ExactVectorSum(length);
    sum.vectors = in.readLong();
    if (sum.vectors < 0) {
      throw new IOException("a sum of " + sum.vectors + " vectors");
    }
    int layout = in.readUnsignedByte();
    if (layout == DENSE) {
      sum.capacity = 1;
      sum.partials = new double[length];
      for (int e = 0; e < length; e++) {
        double value = in.readDouble();
        if (Double.isFinite(value)) {
          sum.partials[e] = value;
          sum.counts[e] = 1;
        } else {
          sum.nonFinite[e] = value;
        }
      }
      return sum;
    }
    if (layout != EXPANSION) {
      throw new IOException("unknown layout " + layout);
    }
    for (int e = 0; e < length; e++) {
      int n = in.readUnsignedByte();
      if (n > MAX_PARTIALS) {
        throw new IOException("element " + e + " has " + n + " partials, more than " + MAX_PARTIALS);
      }
      while (n > sum.capacity) {
        sum.grow();
      }
      int base = e * sum.capacity;
      for (int p = 0; p < n; p++) {
        sum.partials[base + p] = in.readDouble();
      }
      sum.counts[e] = n;
    }
    int nonFiniteElements = in.readInt();
    if (nonFiniteElements < 0 || nonFiniteElements > length) {
      throw new IOException(nonFiniteElements + " non-finite elements in a sum of " + length);
    }
    for (int i = 0; i < nonFiniteElements; i++) {
      int e = in.readInt();
      if (e < 0 || e >= length) {
        throw new IOException("a non-finite element at " + e + " in a sum of " + length);
      }
      sum.nonFinite[e] = in.readDouble();
    }
    return sum;
  }

  private boolean hasNonFinite(int e) {
    return nonFinite[e] != 0 || Double.isNaN(nonFinite[e]);
  }

  /** The correctly rounded sum of every element. */
  public double[] round() {
    double[] out = new double[length];
    for (int e = 0; e < length; e++) {
      out[e] = roundElement(e);
    }
    return out;
  }

  private void addToElement(int e, double x) {
    if (!Double.isFinite(x)) {
      nonFinite[e] += x;
      return;
    }
    int base = e * capacity;
    int n = counts[e];
    int kept = 0;
    for (int p = 0; p < n; p++) {
      double y = partials[base + p];
      // Knuth's TwoSum: the exact error of x + y whichever is larger. msum's Fast-TwoSum first
      // swaps by magnitude, a branch that went wrong half the time on gradient entries; both give
      // the same (hi, lo), the rounded sum and its exact error, so the partials are unchanged
      double hi = x + y;
      double yPart = hi - x;
      double lo = (x - (hi - yPart)) + (y - yPart);
      if (lo != 0.0) {
        partials[base + kept++] = lo;
      }
      x = hi;
    }
    if (!Double.isFinite(x)) {
      nonFinite[e] += x;
      counts[e] = 0;
      return;
    }
    if (kept == capacity) {
      grow();
      base = e * capacity;
    }
    partials[base + kept++] = x;
    counts[e] = kept;
  }

  private void grow() {
    int wider = capacity * 2;
    double[] moved = new double[length * wider];
    for (int e = 0; e < length; e++) {
      System.arraycopy(partials, e * capacity, moved, e * wider, counts[e]);
    }
    partials = moved;
    capacity = wider;
  }

  /** Python's msum final step: add partials from the top, then correct a half-way rounding. */
  private double roundElement(int e) {
    if (nonFinite[e] != 0 || Double.isNaN(nonFinite[e])) {
      return nonFinite[e];
    }
    int base = e * capacity;
    int n = counts[e];
    if (n == 0) {
      return 0.0;
    }
    double hi = partials[base + --n];
    double lo = 0;
    while (n > 0) {
      double x = hi;
      double y = partials[base + --n];
      hi = x + y;
      double yr = hi - x;
      lo = y - yr;
      if (lo != 0.0) {
        break;
      }
    }
    if (n > 0 && ((lo < 0 && partials[base + n - 1] < 0) || (lo > 0 && partials[base + n - 1] > 0))) {
      double y = lo * 2;
      double x = hi + y;
      double yr = x - hi;
      if (y == yr) {
        hi = x;
      }
    }
    return hi;
  }

  @Override
  public String toString() {
    return "ExactVectorSum(length=" + length + ", vectors=" + vectors + ", first="
        + Arrays.toString(Arrays.copyOf(round(), Math.min(length, 4))) + ")";
  }
}
