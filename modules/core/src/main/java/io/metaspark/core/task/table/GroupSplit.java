package io.metaspark.core.task.table;

import io.metaspark.core.task.image.ClassSplit.Part;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.stream.IntStream;

/**
 * Which groups meta-training, validation and meta-testing draw their tasks from, and which groups
 * are too small to be a task at all. Each group's part is a pure function of (seed, its key): a
 * uniform number drawn from a hash of both falls below {@code testFraction} (test), below
 * {@code testFraction + validationFraction} (validation), or not (training). So a group keeps its
 * part when other groups are added to or removed from the table, at the price of part sizes that
 * match the fractions only on average.
 */
public record GroupSplit(long seed, double testFraction, double validationFraction) implements Serializable {
  public GroupSplit {
    if (!(testFraction > 0 && validationFraction >= 0 && testFraction + validationFraction < 1)) {
      throw new IllegalArgumentException("need test fraction > 0, validation fraction >= 0 and their sum < 1, got "
          + testFraction + " and " + validationFraction);
    }
  }

  public Part partOf(String key) {
    double u = uniform(key);
    if (u < testFraction) {
      return Part.TEST;
    }
    return u < testFraction + validationFraction ? Part.VALIDATION : Part.TRAIN;
  }

  /** The groups of {@code part} with at least {@code minRows} rows, ascending. */
  public int[] groups(TableIndex index, Part part, int minRows) {
    return IntStream.range(0, index.groupCount())
        .filter(g -> index.rowCounts()[g] >= minRows && partOf(index.keys()[g]) == part)
        .toArray();
  }

  @Override
  public String toString() {
    return "split seed " + seed + ", test " + testFraction + ", validation " + validationFraction;
  }

  /** In [0, 1): FNV-1a over the key's UTF-8 bytes, then SplitMix64's finalizer mixed with the seed. */
  private double uniform(String key) {
    long h = 0xcbf29ce484222325L;
    for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    long z = h ^ (seed * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z ^= z >>> 31;
    return (z >>> 11) * 0x1.0p-53;
  }
}
