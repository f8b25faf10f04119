package io.metaspark.app.adapt;

import io.metaspark.app.run.RunDirectory;
import io.metaspark.core.model.Dl4jLearner;
import io.metaspark.core.task.Examples;
import io.metaspark.core.task.image.ImagePreprocessing;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A task of images, prepared as the model's training images were: class folders, and loose images to classify. */
record ImageInputs(ImageExamples.Labelled labelled, List<ImageExamples.Unlabelled> toClassify,
    ImagePreprocessing preprocessing, DataType dataType) implements TaskInputs {

  /** @param predictImages a folder of images, or null */
  static ImageInputs read(String supportImages, String predictImages, ImagePreprocessing preprocessing, int outputs,
      DataType dataType, Configuration hadoop) throws IOException {
    return new ImageInputs(ImageExamples.classFolders(supportImages, preprocessing, outputs, dataType),
        predictImages == null ? null : ImageExamples.loose(predictImages, preprocessing, hadoop), preprocessing,
        dataType);
  }

  @Override
  public Examples examples() {
    return labelled.examples();
  }

  /** Each image's file, its most probable class and that probability. */
  @Override
  public void writePredictions(Dl4jLearner predictor, double[] adapted, RunDirectory dir, PrintStream out)
      throws IOException {
    if (toClassify != null) {
      writePredictions(predictor.outputs(adapted, toClassifyFeatures()), dir, out);
    }
  }

  /** The images to classify, as the network takes them; null when there are none. */
  INDArray toClassifyFeatures() {
    if (toClassify == null) {
      return null;
    }
    int size = preprocessing.imageSize();
    float[] pixels = new float[toClassify.size() * size];
    for (int i = 0; i < toClassify.size(); i++) {
      System.arraycopy(toClassify.get(i).pixels(), 0, pixels, i * size, size);
    }
    return ImageExamples.features(pixels, toClassify.size(), preprocessing, dataType);
  }

  /** predictions.csv from the class probabilities [images, classes] of the images to classify. */
  void writePredictions(INDArray probabilities, RunDirectory dir, PrintStream out) throws IOException {
    List<ImageExamples.Unlabelled> images = toClassify;
    StringBuilder csv = new StringBuilder("file,class,probability\n");
    for (int i = 0; i < images.size(); i++) {
      int best = probabilities.getRow(i).argMax().getInt(0);
      csv.append(images.get(i).name()).append(',').append(labelled.classNames().get(best)).append(',')
          .append(probabilities.getDouble(i, best)).append('\n');
    }
    dir.writeString(PREDICTIONS, csv.toString());
    out.printf("classes of %d images: %s/%s%n", images.size(), dir, PREDICTIONS);
  }
}
