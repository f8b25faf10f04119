package io.metaspark.core.task;

/**
 * Derives a task's seed from (run seed, iteration, index) alone, so a task's data never depends on
 * which executor, partition or retry computes it.
 *
 * <p>SplitMix64's finalizer (Steele, Lea and Flood 2014) mixes each coordinate in turn; nearby
 * inputs give unrelated seeds.
 */
public final class TaskSeeds {
  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

  private TaskSeeds() {}

  public static long of(long runSeed, long iteration, long index) {
    long h = mix(runSeed + GOLDEN_GAMMA);
    h = mix(h ^ (iteration * GOLDEN_GAMMA + 0x632BE59BD9B4E019L));
    return mix(h ^ (index * GOLDEN_GAMMA + 0x85157AF5L));
  }

  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
