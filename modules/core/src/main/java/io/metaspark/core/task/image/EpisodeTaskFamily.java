package io.metaspark.core.task.image;

import io.metaspark.core.task.Examples;
import io.metaspark.core.task.TaskData;
import io.metaspark.core.task.TaskDescriptor;
import io.metaspark.core.task.SupervisedTaskFamily;
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
public final class EpisodeTaskFamily implements SupervisedTaskFamily {
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
        examples(episode.set, episode.supportPixels, shots, dataType),
        examples(episode.set, episode.queryPixels, queries, dataType));
  }

  /**
   * Which of the part's classes each label 0..N-1 of the task stands for: its position among all the
   * part's classes ({@link #partClassCount}), a label that means the same in every task. Draws only
   * the classes, not the images.
   */
  public int[] episodeClasses(TaskDescriptor descriptor) {
    return drawClasses(partClasses(source.classes()).length, new SplittableRandom(descriptor.seed()));
  }

  /** The number of classes in this family's part of the split (reads the data). */
  public int partClassCount() {
    return partClasses(source.classes()).length;
  }

  /** One episode's draw: its images' pixels, label by label. */
  private record Episode(ImageClassSet set, float[] supportPixels, float[] queryPixels) {}

  private Episode draw(TaskDescriptor descriptor) {
    ImageClassSet set = source.classes();
    int[] pool = partClasses(set);
    SplittableRandom random = new SplittableRandom(descriptor.seed());
    int[] positions = drawClasses(pool.length, random);
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
    return new Episode(set, supportPixels, queryPixels);
  }

  /**
   * The classes' positions in the part's pool of {@code poolSize}, label j for the j-th: a partial
   * Fisher-Yates shuffle draws them in random order, which is the per-task shuffle of the label
   * assignment. The first draws of a task's random stream, before its images'.
   */
  private int[] drawClasses(int poolSize, SplittableRandom random) {
    return firstOfShuffle(identity(poolSize), ways, random);
  }

  /** Rows ordered by label then image; label j is column j of N. */
  private Examples examples(ImageClassSet set, float[] pixels, int perClass, DataType dataType) {
    int n = ways * perClass;
    float[] oneHot = new float[n * ways];
    for (int i = 0; i < n; i++) {
      oneHot[i * ways + i / perClass] = 1f;
    }
    return new Examples(
        Nd4j.create(pixels, new long[] {n, set.channels(), set.height(), set.width()}, DataType.FLOAT).castTo(dataType),
        Nd4j.create(oneHot, new long[] {n, ways}, DataType.FLOAT).castTo(dataType));
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
