package io.metaspark.app.ml;

import io.metaspark.app.adapt.ModelCard;
import io.metaspark.app.adapt.ModelExport;
import io.metaspark.app.run.RunDirectory;
import io.metaspark.core.model.ModelSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.MLWriter;
import scala.Option;

/**
 * Saves a {@link MetaModel} on any Hadoop path: Spark ML's {@code metadata/} (class, uid, params,
 * as every Spark ML model), then {@code model.zip} and {@code model.json} exactly as {@code train}
 * exports a model, so the directory is also a model for {@code bin/metaspark adapt --model}.
 */
final class MetaModelWriter extends MLWriter {
  private final MetaModel instance;
  private final ModelSpec spec;
  private final double[] network;
  private final ModelCard card;

  MetaModelWriter(MetaModel instance, ModelSpec spec, double[] network, ModelCard card) {
    this.instance = instance;
    this.spec = spec;
    this.network = network;
    this.card = card;
  }

  @Override
  public void saveImpl(String path) {
    DefaultParamsWriter.saveMetadata(instance, path, sc(), Option.empty(), Option.empty());
    try {
      ModelExport.write(RunDirectory.openOrCreate(path, sc().hadoopConfiguration()), spec, network, card);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the model in " + path + ": " + e.getMessage(), e);
    }
  }
}
