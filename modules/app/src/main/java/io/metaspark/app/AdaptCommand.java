package io.metaspark.app;

import io.metaspark.app.builtin.ImageTasks;
import io.metaspark.app.config.ConfigError;
import io.metaspark.app.config.Values;
import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.model.Dl4jLearner;
import io.metaspark.core.model.Learner;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.task.Examples;
import io.metaspark.core.task.image.ImagePreprocessing;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "adapt", mixinStandardHelpOptions = true,
    description = {"Fine-tune an exported initialization on a new task's few examples, save the adapted network,",
        "and predict. Adapts as the model was trained to (model.json) unless told otherwise.",
        "Examples come from a CSV (--support) or, for image models, one folder per class (--support-images)."})
final class AdaptCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "DIR", description = "a run's final/ directory")
  String model;

  @Option(names = "--support", paramLabel = "CSV",
      description = "the task's examples: per row the input columns, then the target columns (a header line is allowed)")
  String support;

  @Option(names = "--predict", paramLabel = "CSV", description = "inputs to predict for, one row each")
  String predict;

  @Option(names = "--support-images", paramLabel = "DIR",
      description = "for image models: one subfolder of images per class; labels follow the sorted folder names")
  String supportImages;

  @Option(names = "--predict-images", paramLabel = "DIR", description = "for image models: images to classify")
  String predictImages;

  @Option(names = "--steps", description = "adaptation steps (default: the model's inner_steps)")
  Integer steps;

  @Option(names = "--lr", description = "adaptation step size (default: the model's inner_lr)")
  Double learningRate;

  @Option(names = "--output", defaultValue = "adapted", paramLabel = "DIR",
      description = "where the adapted model.zip and predictions.csv go (default: ${DEFAULT-VALUE})")
  String output;

  @Override
  public Integer call() throws Exception {
    requireSensibleOptions();
    Configuration hadoop = new Configuration();
    RunDirectory modelDir;
    MultiLayerNetwork net;
    ModelCard card;
    try {
      modelDir = RunDirectory.open(model, hadoop);
      net = ModelExport.read(modelDir);
      card = ModelExport.readCard(modelDir);
    } catch (IOException e) {
      throw new ConfigError("--model " + model + ": " + e.getMessage(), e);
    }
    requireExamplesTheModelTakes(net);
    // as the model was trained to adapt (its card), unless told otherwise
    Adaptation adaptation;
    double[] meta;
    try {
      adaptation = (learningRate == null ? card : card.withInnerLr(learningRate)).adaptation();
      meta = card.meta(ModelExport.params(net));
    } catch (IllegalArgumentException e) {
      throw new ConfigError((learningRate == null ? "--model " + model : "--lr") + ": " + e.getMessage(), e);
    }
    int stepCount = steps != null ? steps : adaptation.steps();
    int outputs = (int) ((FeedForwardLayer) net.getLayerWiseConfigurations()
        .getConf(net.getnLayers() - 1).getLayer()).getNOut();

    ModelSpec spec = ModelExport.spec(net);
    Learner learner = spec.newLearner();
    ImagePreprocessing preprocessing = null;
    List<String> classNames = null;
    Examples examples;
    List<ImageExamples.Unlabelled> imagesToClassify = null;
    List<double[]> rowsToPredict = null;
    // every input is read and checked before anything is adapted or saved
    if (supportImages != null) {
      preprocessing = ImageTasks.preprocessing(trainingConfig(card));
      ImageExamples.Labelled labelled = ImageExamples.classFolders(supportImages, preprocessing, outputs,
          learner.dataType());
      examples = labelled.examples();
      classNames = labelled.classNames();
      if (predictImages != null) {
        imagesToClassify = ImageExamples.loose(predictImages, preprocessing, hadoop);
      }
    } else {
      int inputs = (int) ((FeedForwardLayer) net.getLayerWiseConfigurations().getConf(0).getLayer()).getNIn();
      examples = CsvExamples.examples(CsvExamples.read(support, inputs + outputs, hadoop), inputs, outputs,
          learner.dataType());
      if (predict != null) {
        rowsToPredict = CsvExamples.read(predict, inputs, hadoop);
      }
    }
    double before = learner.loss(adaptation.networkPart(meta), examples);
    double[] adapted = adaptation.adapt(learner, meta, examples, stepCount);
    double after = learner.loss(adapted, examples);
    System.out.printf(Locale.ROOT, "adapted on %d examples with %d step(s) %s: support loss %.4f -> %.4f%n",
        examples.size(), stepCount, adaptation.rule().describe(), before, after);

    RunDirectory out = RunDirectory.openOrCreate(output, hadoop);
    net.setParams(Nd4j.createFromArray(adapted).castTo(net.params().dataType()).reshape(1, adapted.length));
    out.writeAtomically(ModelExport.MODEL, stream -> ModelSerializer.writeModel(net, stream, false));
    System.out.printf("adapted model: %s/%s%n", out, ModelExport.MODEL);
    // DL4J itself predicts, as a user of the saved model would (in inference mode), except that a
    // network with batch norm uses the batch's statistics, as in meta-training and adaptation: its
    // stored running statistics mean nothing
    Dl4jLearner predictor = new Dl4jLearner(net);

    if (imagesToClassify != null) {
      List<ImageExamples.Unlabelled> images = imagesToClassify;
      float[] pixels = new float[images.size() * preprocessing.imageSize()];
      for (int i = 0; i < images.size(); i++) {
        System.arraycopy(images.get(i).pixels(), 0, pixels, i * preprocessing.imageSize(), preprocessing.imageSize());
      }
      INDArray probabilities = predictor.outputs(adapted,
          ImageExamples.features(pixels, images.size(), preprocessing, net.params().dataType()));
      StringBuilder csv = new StringBuilder("file,class,probability\n");
      for (int i = 0; i < images.size(); i++) {
        int best = probabilities.getRow(i).argMax().getInt(0);
        csv.append(images.get(i).name()).append(',').append(classNames.get(best)).append(',')
            .append(probabilities.getDouble(i, best)).append('\n');
      }
      out.writeString("predictions.csv", csv.toString());
      System.out.printf("classes of %d images: %s/predictions.csv%n", images.size(), out);
    }
    if (rowsToPredict != null) {
      List<double[]> rows = rowsToPredict;
      INDArray predictions = predictor.outputs(adapted,
          CsvExamples.matrix(rows, 0, rows.get(0).length, net.params().dataType()));
      StringBuilder csv = new StringBuilder();
      for (int r = 0; r < rows.size(); r++) {
        StringBuilder line = new StringBuilder();
        for (double v : rows.get(r)) {
          line.append(v).append(',');
        }
        for (int o = 0; o < outputs; o++) {
          line.append(predictions.getDouble(r, o)).append(o + 1 < outputs ? "," : "");
        }
        csv.append(line).append('\n');
      }
      out.writeString("predictions.csv", csv.toString());
      System.out.printf("predictions for %d inputs: %s/predictions.csv%n", rows.size(), out);
    }
    return 0;
  }

  /** The options alone, before any file is read. */
  private void requireSensibleOptions() {
    if ((support == null) == (supportImages == null)) {
      throw new ConfigError("give the task's examples with exactly one of --support (CSV) or --support-images (folders)");
    }
    if (steps != null && steps < 0) {
      throw new ConfigError("--steps must be >= 0, got " + steps);
    }
    if (learningRate != null && !(learningRate > 0 && Double.isFinite(learningRate))) {
      throw new ConfigError("--lr must be a positive number, got " + learningRate);
    }
    if (predictImages != null && supportImages == null) {
      throw new ConfigError("--predict-images needs an image model adapted with --support-images");
    }
    if (predict != null && supportImages != null) {
      throw new ConfigError("--predict takes CSV inputs for a model adapted with --support; for an image model use"
          + " --predict-images");
    }
  }

  /** An image model (a convolutional first layer) takes class folders of images; any other, CSV rows. */
  private void requireExamplesTheModelTakes(MultiLayerNetwork net) {
    Object first = net.getLayerWiseConfigurations().getConf(0).getLayer();
    boolean images = first instanceof org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
    if (images && support != null) {
      throw new ConfigError("--model " + model + " classifies images (its first layer is a convolution): give the"
          + " task's examples with --support-images, one folder of images per class");
    }
    if (!images && supportImages != null) {
      throw new ConfigError("--model " + model + " takes rows of numbers, not images: give the task's examples with"
          + " --support (CSV)");
    }
    if (!images && !(first instanceof FeedForwardLayer)) {
      throw new ConfigError("--model " + model + ": adapt takes networks whose first layer is dense or a convolution,"
          + " got " + first.getClass().getSimpleName());
    }
  }

  /** What the config the model was trained with (model.json records it) says about preparing images. */
  private static Values trainingConfig(ModelCard card) {
    if (card.config() == null) {
      throw new ConfigError("--support-images: model.json holds no training config to prepare images by");
    }
    return Values.in(card.config(), ImageTasks.PREPROCESSING_KEYS);
  }
}
