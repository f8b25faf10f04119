package io.metaspark.app.ml;

import java.io.IOException;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.MLReader;
import scala.Option;

/**
 * Reads a {@link MetaModel}: one {@link MetaModelWriter} saved (its uid and params from
 * {@code metadata/}), or a model {@code train} exported (a run's {@code final/}), whose columns come
 * from the config it was trained with.
 */
final class MetaModelReader extends MLReader<MetaModel> {
  @Override
  public MetaModel load(String path) {
    try {
      Path metadata = new Path(path, "metadata");
      if (!metadata.getFileSystem(sc().hadoopConfiguration()).exists(metadata)) {
        return MetaModel.fromExport(path, sc().hadoopConfiguration());
      }
      DefaultParamsReader.Metadata saved = DefaultParamsReader.loadMetadata(path, sc(), MetaModel.class.getName());
      MetaModel model = MetaModel.fromExport(saved.uid(), path, sc().hadoopConfiguration());
      saved.getAndSetParams(model, Option.empty());
      return model;
    } catch (IOException e) {
      throw MetaModel.unreadable(path, e);
    }
  }
}
