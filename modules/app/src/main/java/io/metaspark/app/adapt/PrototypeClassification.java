package io.metaspark.app.adapt;

import io.metaspark.app.config.ConfigError;
import io.metaspark.app.run.RunDirectory;
import io.metaspark.core.algo.PrototypeEpisode;
import io.metaspark.core.algo.Prototypes;
import io.metaspark.core.model.Dl4jLearner;
import io.metaspark.core.task.Examples;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * adapt for a model that classifies by prototypes (protonet): nothing is fine-tuned. The support
 * images' embeddings give one prototype per class folder; the embedding network is saved as it is
 * ({@code model.zip}), the prototypes beside it ({@value #PROTOTYPES}), and the images to classify
 * get the class of the nearest prototype.
 *
 * <p>As in training, batch normalization uses the statistics of the batch at hand: the prototypes
 * file holds the support images embedded as one batch; predictions embed the support images and
 * the images to classify together, as evaluation embedded support and query sets.
 */
final class PrototypeClassification {
  static final String PROTOTYPES = "prototypes.csv";

  private final FewShotAdaptation.Request request;
  private final SavedModel model;
  private final Configuration hadoop;
  private final PrintStream out;

  PrototypeClassification(FewShotAdaptation.Request request, SavedModel model, Configuration hadoop, PrintStream out) {
    this.request = request;
    this.model = model;
    this.hadoop = hadoop;
    this.out = out;
  }

  void run(double[] theta) throws IOException {
    if (request.steps() != null || request.learningRate() != null) {
      throw new ConfigError("--steps and --lr do not apply: --model " + request.model()
          + " classifies by prototypes (protonet) and takes no adaptation steps");
    }
    if (request.supportImages() == null) {
      throw new ConfigError("--model " + request.model() + " classifies images by prototypes: give the task's"
          + " examples with --support-images, one folder of images per class");
    }
    MultiLayerNetwork net = model.network();
    // DL4J itself embeds, as a user of the saved network would, with batch norm on the batch's statistics
    Dl4jLearner learner = new Dl4jLearner(net);
    ImageInputs inputs = ImageInputs.read(request.supportImages(), request.predictImages(),
        FewShotAdaptation.imagePreprocessing(model), 0, learner.dataType(), hadoop);
    Examples support = inputs.examples();
    INDArray embeddings = learner.outputs(theta, support.features());
    Prototypes prototypes = Prototypes.of(PrototypeEpisode.values(embeddings), (int) embeddings.size(1),
        PrototypeEpisode.values(support.labels()), (int) support.labels().size(1));
    out.printf(Locale.ROOT, "prototypes of %d classes from %d support images (%d-value embeddings); no steps%n",
        prototypes.ways(), support.size(), prototypes.dim());

    RunDirectory dir = RunDirectory.openOrCreate(request.output(), hadoop);
    dir.writeAtomically(ModelExport.MODEL, stream -> ModelSerializer.writeModel(net, stream, false));
    dir.writeString(PROTOTYPES, csv(prototypes, inputs.labelled().classNames()));
    out.printf("embedding network: %s/%s, prototypes: %s/%s%n", dir, ModelExport.MODEL, dir, PROTOTYPES);
    INDArray toClassify = inputs.toClassifyFeatures();
    if (toClassify != null) {
      inputs.writePredictions(PrototypeEpisode.embed(learner, theta, support, toClassify).probabilities(), dir, out);
    }
  }

  /** A header "class,e0,e1,...", then one row per class: its folder name and its prototype's values. */
  static String csv(Prototypes prototypes, List<String> classNames) {
    StringBuilder csv = new StringBuilder("class");
    for (int d = 0; d < prototypes.dim(); d++) {
      csv.append(",e").append(d);
    }
    csv.append('\n');
    for (int k = 0; k < prototypes.ways(); k++) {
      csv.append(classNames.get(k));
      for (double value : prototypes.center(k)) {
        csv.append(',').append(value);
      }
      csv.append('\n');
    }
    return csv.toString();
  }
}
