package io.metaspark.app.adapt;

import io.metaspark.app.run.RunDirectory;
import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.model.ModelSpec;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * A model as train exports it (a run's final/): its network ({@code model.zip}) and its card
 * ({@code model.json}), read together, with what adapting it needs: its meta-parameters and how it
 * was trained to adapt.
 */
public record SavedModel(RunDirectory dir, MultiLayerNetwork network, ModelCard card) {
  /** Reads the model in {@code dir}; a missing directory, zip or card is an IOException saying which. */
  public static SavedModel read(String dir, Configuration hadoop) throws IOException {
    RunDirectory modelDir = RunDirectory.open(dir, hadoop);
    MultiLayerNetwork network = ModelExport.read(modelDir);
    return new SavedModel(modelDir, network, ModelExport.readCard(modelDir));
  }

  public ModelSpec spec() {
    return ModelExport.spec(network);
  }

  /** The meta-parameters: the network's, then what the card says the algorithm learned besides. */
  public double[] meta() {
    return card.meta(ModelExport.params(network));
  }

  /** How it was trained to adapt; a rule this metaspark does not know is an IllegalArgumentException. */
  public Adaptation adaptation() {
    return card.adaptation(spec());
  }

  /** How it was trained to adapt, at another step size (adapt --lr). */
  public Adaptation adaptation(double lr) {
    return card.adaptation(spec(), lr);
  }
}
