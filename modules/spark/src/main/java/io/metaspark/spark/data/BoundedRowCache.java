package io.metaspark.spark.data;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Groups' rows kept up to a budget of bytes, the least recently used dropped first: for a task
 * store larger than an executor's memory. A dropped group is read again when a task needs it, and
 * reads give the same values, so what is kept changes the I/O, never a task. Two threads missing
 * the same group may both read it; the cache keeps one copy.
 */
final class BoundedRowCache {
  /** A double[]'s header, counted with its values so that many small groups cannot overrun the budget. */
  private static final long ARRAY_HEADER_BYTES = 16;

  private final long budgetBytes;
  private final LinkedHashMap<Integer, double[]> groups = new LinkedHashMap<>(16, 0.75f, true);
  private long heldBytes;

  BoundedRowCache(long budgetBytes) {
    if (budgetBytes < 1) {
      throw new IllegalArgumentException("a row cache needs a budget of at least one byte, got " + budgetBytes);
    }
    this.budgetBytes = budgetBytes;
  }

  /** Group {@code group}'s rows, from the cache or from {@code read} (then kept if they fit the budget at all). */
  double[] get(int group, IntFunction<double[]> read) {
    synchronized (this) {
      double[] rows = groups.get(group);
      if (rows != null) {
        return rows;
      }
    }
    double[] rows = read.apply(group);
    long bytes = bytes(rows);
    synchronized (this) {
      double[] other = groups.get(group);
      if (other != null) {
        return other;
      }
      if (bytes <= budgetBytes) {
        Iterator<Map.Entry<Integer, double[]>> oldest = groups.entrySet().iterator();
        while (heldBytes + bytes > budgetBytes) {
          heldBytes -= bytes(oldest.next().getValue());
          oldest.remove();
        }
        groups.put(group, rows);
        heldBytes += bytes;
      }
    }
    return rows;
  }

  synchronized long heldBytes() {
    return heldBytes;
  }

  private static long bytes(double[] rows) {
    return ARRAY_HEADER_BYTES + (long) rows.length * Double.BYTES;
  }
}
