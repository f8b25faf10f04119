package io.metaspark.app.adapt;

import io.metaspark.app.builtin.ImageTasks;
import io.metaspark.app.config.ConfigError;
import io.metaspark.app.config.Values;
import io.metaspark.app.run.RunDirectory;
import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.model.Dl4jLearner;
import io.metaspark.core.model.Learner;
import io.metaspark.core.model.LearnerChoice;
import io.metaspark.core.task.Examples;
import io.metaspark.core.task.image.ImagePreprocessing;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.factory.Nd4j;

/**
 * adapt: fine-tunes an exported model on a new task's few examples as it was trained to adapt
 * (its card), unless told another step count or step size; saves the adapted network; and predicts
 * for the inputs given. Every input is read and checked before anything is adapted or saved.
 */
public final class FewShotAdaptation {
  /**
   * What to adapt, on what, and where to: the options of {@code adapt}, named in its errors.
   *
   * @param support a CSV of examples, or null when {@code supportImages} is given
   * @param predict a CSV of inputs to predict for, or null
   * @param supportImages one folder of images per class, or null when {@code support} is given
   * @param predictImages a folder of images to classify, or null
   * @param steps adaptation steps, or null for the model's own
   * @param learningRate the adaptation's step size, or null for the model's own
   */
  public record Request(String model, String support, String predict, String supportImages, String predictImages,
      Integer steps, Double learningRate, String output) {}

  private final Request request;
  private final PrintStream out;
  private final Configuration hadoop = new Configuration();

  public FewShotAdaptation(Request request, PrintStream out) {
    this.request = request;
    this.out = out;
  }

  public void run() throws IOException {
    SavedModel model;
    try {
      model = SavedModel.read(request.model(), hadoop);
    } catch (IOException e) {
      throw new ConfigError("--model " + request.model() + ": " + e.getMessage(), e);
    }
    if (model.card().policy() != null) {
      throw new ConfigError("--model " + request.model() + " is a policy for " + model.card().policy().environment()
          + ": adapt it to an environment with --goal x,y (navigation-2d), --arms p1,...,pk (bandit) or --seed, not"
          + " to examples");
    }
    MultiLayerNetwork net = model.network();
    requireExamplesTheModelTakes(net);
    Adaptation adaptation;
    double[] meta;
    try {
      adaptation = request.learningRate() == null ? model.adaptation()
          : model.adaptation(request.learningRate());
      meta = model.meta();
    } catch (IllegalArgumentException e) {
      throw new ConfigError((request.learningRate() == null ? "--model " + request.model() : "--lr") + ": "
          + e.getMessage(), e);
    }
    if (adaptation.byPrototypes()) {
      new PrototypeClassification(request, model, hadoop, out).run(adaptation.networkPart(meta));
      return;
    }
    int stepCount = request.steps() != null ? request.steps() : adaptation.steps();
    Learner learner = trainingLearner(model).create(model.spec());
    TaskInputs inputs = inputs(model, learner);
    Examples examples = inputs.examples();
    double before = learner.loss(adaptation.networkPart(meta), examples);
    double[] adapted = adaptation.adapt(learner, meta, examples, stepCount);
    double after = learner.loss(adapted, examples);
    out.printf(Locale.ROOT, "adapted on %d examples with %d step(s) %s: support loss %.4f -> %.4f%n",
        examples.size(), stepCount, adaptation.rule().describe(), before, after);

    RunDirectory dir = RunDirectory.openOrCreate(request.output(), hadoop);
    net.setParams(Nd4j.createFromArray(adapted).castTo(net.params().dataType()).reshape(1, adapted.length));
    dir.writeAtomically(ModelExport.MODEL, stream -> ModelSerializer.writeModel(net, stream, false));
    out.printf("adapted model: %s/%s%n", dir, ModelExport.MODEL);
    // DL4J itself predicts, as a user of the saved model would (in inference mode), except that a
    // network with batch norm uses the batch's statistics, as in meta-training and adaptation: its
    // stored running statistics mean nothing
    inputs.writePredictions(new Dl4jLearner(net), adapted, dir, out);
  }

  /**
   * The learner training computed with, as the card records it, so that adapt adapts as training
   * did (adaptation asks no Hessian-vector products); a card that predates the record: the default.
   */
  private static LearnerChoice trainingLearner(SavedModel model) {
    String recorded = model.card().learner();
    LearnerChoice choice = recorded == null ? LearnerChoice.AUTO
        : LearnerChoice.giving(recorded, model.spec(), false).orElse(LearnerChoice.AUTO);
    return choice.resolvedFor(false);
  }

  /** What the config the model was trained with (model.json records it) says about preparing images. */
  static ImagePreprocessing imagePreprocessing(SavedModel model) {
    return ImageTasks.preprocessing(trainingConfig(model.card()));
  }

  private TaskInputs inputs(SavedModel model, Learner learner) throws IOException {
    MultiLayerNetwork net = model.network();
    int outputs = (int) layer(net, net.getnLayers() - 1).getNOut();
    if (request.supportImages() != null) {
      return ImageInputs.read(request.supportImages(), request.predictImages(),
          imagePreprocessing(model), outputs, learner.dataType(), hadoop);
    }
    return CsvInputs.read(request.support(), request.predict(), (int) layer(net, 0).getNIn(), outputs,
        learner.dataType(), hadoop);
  }

  private static FeedForwardLayer layer(MultiLayerNetwork net, int index) {
    return (FeedForwardLayer) net.getLayerWiseConfigurations().getConf(index).getLayer();
  }

  /** An image model (a convolutional first layer) takes class folders of images; any other, CSV rows. */
  private void requireExamplesTheModelTakes(MultiLayerNetwork net) {
    Object first = net.getLayerWiseConfigurations().getConf(0).getLayer();
    boolean images = first instanceof ConvolutionLayer;
    if (images && request.support() != null) {
      throw new ConfigError("--model " + request.model() + " classifies images (its first layer is a convolution):"
          + " give the task's examples with --support-images, one folder of images per class");
    }
    if (!images && request.supportImages() != null) {
      throw new ConfigError("--model " + request.model() + " takes rows of numbers, not images: give the task's"
          + " examples with --support (CSV)");
    }
    if (!images && !(first instanceof FeedForwardLayer)) {
      throw new ConfigError("--model " + request.model() + ": adapt takes networks whose first layer is dense or a"
          + " convolution, got " + first.getClass().getSimpleName());
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
