package io.metaspark.core.task.image;

import io.metaspark.core.task.Examples;
import io.metaspark.core.task.TaskData;
import io.metaspark.core.task.TaskDescriptor;
import io.metaspark.core.task.TaskFamily;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * N-way K-shot classification episodes (Vinyals et al. 2016): N distinct classes of one part of a
 * split, K support and Q query images per class, all distinct, and the labels 0..N-1 assigned to
 * the classes at random in every task, so no class keeps an output unit across tasks. Features are
 * [n, channels, height, width] (NCHW, as DL4J's convolution layers take them), labels one-hot [n, N],
 * ordered by label then image.
 *
 * <p>Serializing the family ships the source's description, never pixels: the part's classes are
 * looked up where the tasks run.
 */
public final class EpisodeTaskFamily implements TaskFamily {
  private final ImageClassSource source;
  private final ClassSplit split;
  private final ClassSplit.Part part;
  private final int ways;
  private final int shots;
  private final int queries;
  private transient volatile int[] partClasses;

  public EpisodeTaskFamily(ImageClassSource source, ClassSplit split, ClassSplit.Part part, int ways, int shots,
      int queries) {
    if (ways < 2 || shots < 1 || queries < 1) {
      throw new IllegalArgumentException("episodes need N >= 2 ways, K >= 1 shots and Q >= 1 queries, got N=" + ways
          + ", K=" + shots + ", Q=" + queries);
    }
    this.source = source;
    this.split = split;
    this.part = part;
    this.ways = ways;
    this.shots = shots;
    this.queries = queries;
  }

  /** Decodes (on an executor: into its cache) and checks the split, N, K and Q against the classes. */
  @Override
  public void checkData() {
    partClasses(source.classes());
  }

  @Override
  public TaskData sample(TaskDescriptor descriptor, DataType dataType) {
    Episode episode = draw(descriptor);
    return new TaskData(descriptor,
        examples(episode.set, episode.supportPixels, shots, ways, null, dataType),
        examples(episode.set, episode.queryPixels, queries, ways, null, dataType));
  }

  /**
   * The episode's support then query images, each labelled with its class's position among all the
   * part's classes (its global id) rather than the episode's shuffled 0..N-1.
   */
  @Override
  public Examples pooledExamples(TaskDescriptor descriptor, DataType dataType) {
    Episode episode = draw(descriptor);
    int width = episode.pool.length;
    Examples support = examples(episode.set, episode.supportPixels, shots, width, episode.positions, dataType);
    Examples query = examples(episode.set, episode.queryPixels, queries, width, episode.positions, dataType);
    return new Examples(Nd4j.concat(0, support.features(), query.features()),
        Nd4j.concat(0, support.labels(), query.labels()));
  }

  /** The number of classes in this family's part of the split (reads the data). */
  @Override
  public int pooledLabelWidth() {
    return partClasses(source.classes()).length;
  }

  /** One episode's draw: the chosen classes' positions in the part's pool (label j = positions[j]) and pixels. */
  private record Episode(ImageClassSet set, int[] pool, int[] positions, float[] supportPixels, float[] queryPixels) {}

  private Episode draw(TaskDescriptor descriptor) {
    ImageClassSet set = source.classes();
    int[] pool = partClasses(set);
    SplittableRandom random = new SplittableRandom(descriptor.seed());
    // a partial Fisher-Yates shuffle draws the classes in random order: the j-th drawn gets label j,
    // which is the per-task shuffle of the label assignment
    int[] positions = firstOfShuffle(identity(pool.length), ways, random);
    int imageSize = set.imageSize();
    float[] supportPixels = new float[ways * shots * imageSize];
    float[] queryPixels = new float[ways * queries * imageSize];
    for (int label = 0; label < ways; label++) {
      int c = pool[positions[label]];
      int[] images = firstOfShuffle(identity(set.imageCount(c)), shots + queries, random);
      for (int i = 0; i < shots; i++) {
        set.copyImage(c, images[i], supportPixels, (label * shots + i) * imageSize);
      }
      for (int i = 0; i < queries; i++) {
        set.copyImage(c, images[shots + i], queryPixels, (label * queries + i) * imageSize);
      }
    }
    return new Episode(set, pool, positions, supportPixels, queryPixels);
  }

  /** Rows ordered by label then image; label j is column j, or column {@code columns[j]} when given. */
  private Examples examples(ImageClassSet set, float[] pixels, int perClass, int width, int[] columns,
      DataType dataType) {
    int n = ways * perClass;
    float[] oneHot = new float[n * width];
    for (int i = 0; i < n; i++) {
      int label = i / perClass;
      oneHot[i * width + (columns == null ? label : columns[label])] = 1f;
    }
    return new Examples(
        Nd4j.create(pixels, new long[] {n, set.channels(), set.height(), set.width()}, DataType.FLOAT).castTo(dataType),
        Nd4j.create(oneHot, new long[] {n, width}, DataType.FLOAT).castTo(dataType));
  }

  /** The part's classes, checked once per JVM against N, K and Q: a bad setting fails on the first task. */
  private int[] partClasses(ImageClassSet set) {
    int[] pool = partClasses;
    if (pool == null) {
      pool = split.classes(set, part);
      if (pool.length < ways) {
        throw new IllegalArgumentException(ways + "-way tasks need " + ways + " classes but the " + part + " part of "
            + split + " has " + pool.length);
      }
      for (int c : pool) {
        if (set.imageCount(c) < shots + queries) {
          throw new IllegalArgumentException("class " + set.className(c) + " has " + set.imageCount(c)
              + " images, fewer than K + Q = " + shots + " + " + queries);
        }
      }
      partClasses = pool;
    }
    return pool;
  }

  /** Shuffles the first {@code count} positions of {@code values} (Fisher-Yates) and returns them. */
  private static int[] firstOfShuffle(int[] values, int count, SplittableRandom random) {
    for (int i = 0; i < count; i++) {
      int j = i + random.nextInt(values.length - i);
      int swap = values[i];
      values[i] = values[j];
      values[j] = swap;
    }
    return Arrays.copyOf(values, count);
  }

  private static int[] identity(int n) {
    int[] values = new int[n];
    for (int i = 0; i < n; i++) {
      values[i] = i;
    }
    return values;
  }

  @Override
  public String describe() {
    return ways + "-way " + shots + "-shot episodes (Q=" + queries + ", " + part + " of " + split + ") from "
        + source.describe();
  }

  public int ways() {
    return ways;
  }

  public int shots() {
    return shots;
  }

  public int queries() {
    return queries;
  }
}
