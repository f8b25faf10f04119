package io.metaspark.app.adapt;

import io.metaspark.app.config.DataError;
import io.metaspark.core.task.Examples;
import io.metaspark.core.task.image.ImageClassSet;
import io.metaspark.core.task.image.ImagePreprocessing;
import io.metaspark.spark.data.ImageFolderSource;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A new task's images for adapt, prepared exactly as the model's training images were: a class
 * folder per label (labels in the order of the sorted class names), and loose images to classify.
 * Features are [n, channels, height, width], as the image tasks feed the networks.
 */
final class ImageExamples {
  private ImageExamples() {}

  /** Labelled support images and the class names their labels stand for. */
  record Labelled(Examples examples, List<String> classNames) {}

  /** An image to classify, by its file name. */
  record Unlabelled(String name, float[] pixels) {}

  /** @param outputs the classes the model tells apart, or 0 for a model that takes any number (prototypes) */
  static Labelled classFolders(String dir, ImagePreprocessing preprocessing, int outputs, DataType dataType) {
    ImageClassSet set;
    try {
      set = new ImageFolderSource(List.of(dir), preprocessing, false).decode();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new DataError(dir + ": " + e.getMessage());
    }
    int classes = set.numClasses();
    if (outputs == 0 && classes < 2) {
      throw new DataError(dir + " has " + classes + " class folder(s); classifying by prototypes needs at least 2");
    }
    if (outputs != 0 && classes != outputs) {
      throw new DataError(dir + " has " + classes + " class folders, but the model tells " + outputs
          + " classes apart");
    }
    int size = set.imageSize();
    int n = 0;
    for (int c = 0; c < set.numClasses(); c++) {
      n += set.imageCount(c);
    }
    float[] pixels = new float[n * size];
    float[] labels = new float[n * classes];
    List<String> names = new ArrayList<>();
    int row = 0;
    for (int c = 0; c < set.numClasses(); c++) {
      String name = set.className(c);
      names.add(name.substring(name.lastIndexOf('/') + 1));
      for (int i = 0; i < set.imageCount(c); i++, row++) {
        set.copyImage(c, i, pixels, row * size);
        labels[row * classes + c] = 1f;
      }
    }
    return new Labelled(new Examples(features(pixels, n, preprocessing, dataType),
        Nd4j.create(labels, new long[] {n, classes}, DataType.FLOAT).castTo(dataType)), names);
  }

  /** The images directly in {@code dir}, in file-name order. */
  static List<Unlabelled> loose(String dir, ImagePreprocessing preprocessing, Configuration hadoop) throws IOException {
    Path root = new Path(dir);
    FileSystem fs = root.getFileSystem(hadoop);
    if (!fs.isDirectory(root)) {
      throw new DataError(dir + " is not a directory of images");
    }
    FileStatus[] files = fs.listStatus(root);
    Arrays.sort(files, Comparator.comparing(f -> f.getPath().getName()));
    List<Unlabelled> images = new ArrayList<>();
    for (FileStatus file : files) {
      if (!file.isFile()) {
        continue;
      }
      BufferedImage image;
      try (InputStream in = fs.open(file.getPath())) {
        image = ImageIO.read(in);
      }
      if (image == null) {
        throw new DataError(file.getPath() + " is not an image ImageIO can read");
      }
      images.add(new Unlabelled(file.getPath().getName(), preprocessing.apply(image)));
    }
    if (images.isEmpty()) {
      throw new DataError(dir + " has no images");
    }
    return images;
  }

  static INDArray features(float[] pixels, int n, ImagePreprocessing p, DataType dataType) {
    return Nd4j.create(pixels, new long[] {n, p.channels(), p.height(), p.width()}, DataType.FLOAT).castTo(dataType);
  }
}
