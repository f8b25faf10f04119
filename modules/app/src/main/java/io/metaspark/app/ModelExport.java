package io.metaspark.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.metaspark.core.model.ModelSpec;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A meta-learned initialization as a user takes it away: {@code model.zip}, DL4J's own
 * ModelSerializer format (load it with {@code ModelSerializer.restoreMultiLayerNetwork}), and
 * {@code model.json} with the inner-loop settings and the run's facts. metaspark reads model zips
 * back with {@link ModelZip}, which deserializes nothing.
 */
final class ModelExport {
  static final String MODEL = "model.zip";
  static final String FACTS = "model.json";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ModelExport() {}

  static void write(RunDirectory dir, ModelSpec spec, double[] params, Map<String, Object> facts) throws IOException {
    MultiLayerNetwork net = spec.newNetwork();
    net.setParams(Nd4j.createFromArray(params).castTo(net.params().dataType()).reshape(1, params.length));
    dir.writeAtomically(MODEL, out -> ModelSerializer.writeModel(net, out, false));
    dir.writeString(FACTS, JSON.writeValueAsString(facts));
  }

  /** The network saved in {@code dir}, with its meta-learned parameters. */
  static MultiLayerNetwork read(RunDirectory dir) throws IOException {
    Path model = dir.path(MODEL);
    if (!dir.fs().exists(model)) {
      throw new IOException("no " + MODEL + " in " + dir + " (expected the 'final' directory of a run)");
    }
    try (InputStream in = dir.fs().open(model)) {
      return ModelZip.read(in, model.toString());
    }
  }

  static double[] params(MultiLayerNetwork net) {
    return net.params().castTo(DataType.DOUBLE).toDoubleVector();
  }

  static ModelSpec spec(MultiLayerNetwork net) {
    return ModelSpec.fromJson(net.getLayerWiseConfigurations().toJson());
  }
}
