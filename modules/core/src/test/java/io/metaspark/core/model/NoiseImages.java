package io.metaspark.core.model;

import io.metaspark.core.task.image.ClassSplit;
import io.metaspark.core.task.image.EpisodeTaskFamily;
import io.metaspark.core.task.image.ImageClassSet;
import io.metaspark.core.task.image.ImageClassSource;
import java.util.SplittableRandom;

/** 10 characters of 3 images of uniform noise: images every convolution sees differently. */
public final class NoiseImages implements ImageClassSource {
  private final int size;

  public NoiseImages(int size) {
    this.size = size;
  }

  /** N-way 1-shot episodes with {@code queries} query images per class, from the training characters. */
  public static EpisodeTaskFamily episodes(int size, int ways, int queries) {
    return new EpisodeTaskFamily(new NoiseImages(size), new ClassSplit.RandomCharacters(3, 6, 0),
        ClassSplit.Part.TRAIN, ways, 1, queries);
  }

  @Override
  public ImageClassSet classes() {
    SplittableRandom random = new SplittableRandom(1);
    ImageClassSet.Builder builder = new ImageClassSet.Builder(1, size, size);
    for (int c = 0; c < 10; c++) {
      for (int i = 0; i < 3; i++) {
        float[] pixels = new float[size * size];
        for (int p = 0; p < pixels.length; p++) {
          pixels[p] = (float) random.nextDouble();
        }
        builder.add("alphabet/character" + c, i + ".png", pixels);
      }
    }
    return builder.build();
  }

  @Override
  public String describe() {
    return "noise";
  }
}
