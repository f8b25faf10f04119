package io.metaspark.app.adapt;

import io.metaspark.app.run.RunDirectory;
import io.metaspark.core.model.ModelSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A meta-learned initialization as a user takes it away: {@code model.zip}, DL4J's own
 * ModelSerializer format (load it with {@code ModelSerializer.restoreMultiLayerNetwork}), holding
 * the network's part of the meta-parameters, and {@code model.json}, the {@link ModelCard} with how
 * to adapt it (and whatever else the algorithm learned) and the run's facts. metaspark reads model
 * zips back with {@link ModelZip}, which deserializes nothing.
 */
public final class ModelExport {
  public static final String MODEL = "model.zip";
  public static final String FACTS = "model.json";

  private ModelExport() {}

  public static void write(RunDirectory dir, ModelSpec spec, double[] networkParams, ModelCard card) throws IOException {
    MultiLayerNetwork net = spec.newNetwork();
    net.setParams(Nd4j.createFromArray(networkParams).castTo(net.params().dataType()).reshape(1, networkParams.length));
    dir.writeAtomically(MODEL, out -> ModelSerializer.writeModel(net, out, false));
    dir.writeString(FACTS, card.toJson());
  }

  /** The card saved in {@code dir}; a missing or unreadable one is an IOException saying which. */
  public static ModelCard readCard(RunDirectory dir) throws IOException {
    if (!dir.exists(FACTS)) {
      throw new IOException("no " + FACTS + " in " + dir + " (expected the 'final' directory of a run)");
    }
    try (InputStream in = dir.fs().open(dir.path(FACTS))) {
      return ModelCard.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new IOException(dir + "/" + e.getMessage(), e);
    }
  }

  /** The network saved in {@code dir}, with its meta-learned parameters. */
  public static MultiLayerNetwork read(RunDirectory dir) throws IOException {
    Path model = dir.path(MODEL);
    if (!dir.fs().exists(model)) {
      throw new IOException("no " + MODEL + " in " + dir + " (expected the 'final' directory of a run)");
    }
    try (InputStream in = dir.fs().open(model)) {
      return ModelZip.read(in, model.toString());
    }
  }

  public static double[] params(MultiLayerNetwork net) {
    return net.params().castTo(DataType.DOUBLE).toDoubleVector();
  }

  public static ModelSpec spec(MultiLayerNetwork net) {
    return ModelSpec.fromJson(net.getLayerWiseConfigurations().toJson());
  }
}
