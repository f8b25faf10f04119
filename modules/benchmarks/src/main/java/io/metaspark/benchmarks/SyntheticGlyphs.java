package io.metaspark.benchmarks;

import io.metaspark.core.task.Examples;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** Batches shaped like an Omniglot episode: 28x28 images of sparse strokes (15% ink), labels cycling over 5 ways. */
final class SyntheticGlyphs {
  private SyntheticGlyphs() {}

  static Examples batch(SplittableRandom random, int examples, DataType type) {
    double[][][][] pixels = new double[examples][1][28][28];
    double[][] labels = new double[examples][5];
    for (int i = 0; i < examples; i++) {
      for (int y = 0; y < 28; y++) {
        for (int x = 0; x < 28; x++) {
          pixels[i][0][y][x] = random.nextDouble() < 0.15 ? 1 : 0;
        }
      }
      labels[i][i % 5] = 1;
    }
    return new Examples(Nd4j.create(pixels).castTo(type), Nd4j.create(labels).castTo(type));
  }
}
