package io.metaspark.core.model;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Where batch norm layers' parameters sit in a network's flat parameter vector: found by key in
 * each layer's parameter table, and located by writing through those views into the flat vector
 * rather than by offsets, so nothing depends on DL4J's flattening order.
 */
public final class BatchNormParameters {
  private static final List<String> AFFINE = List.of(BatchNormalizationParamInitializer.GAMMA,
      BatchNormalizationParamInitializer.BETA);
  private static final List<String> RUNNING_STATISTICS = List.of(BatchNormalizationParamInitializer.GLOBAL_MEAN,
      BatchNormalizationParamInitializer.GLOBAL_VAR, BatchNormalizationParamInitializer.GLOBAL_LOG_STD);

  private BatchNormParameters() {}

  /** The scales and shifts (gamma, beta) of every batch norm layer, ascending; empty without batch norm. */
  public static int[] affine(MultiLayerNetwork network) {
    return positions(network, AFFINE);
  }

  /** The running means and variances (or log standard deviations), ascending; empty without batch norm. */
  public static int[] runningStatistics(MultiLayerNetwork network) {
    return positions(network, RUNNING_STATISTICS);
  }

  private static int[] positions(MultiLayerNetwork network, List<String> keys) {
    INDArray flat = network.params();
    INDArray saved = flat.dup();
    flat.assign(0);
    boolean any = false;
    for (Layer layer : network.getLayers()) {
      if (!(layer.conf().getLayer() instanceof BatchNormalization)) {
        continue;
      }
      Map<String, INDArray> table = layer.paramTable();
      for (String key : keys) {
        INDArray view = table.get(key);
        if (view != null) {
          view.assign(1);
          any = true;
        }
      }
    }
    double[] marks = any ? flat.castTo(DataType.DOUBLE).toDoubleVector() : new double[0];
    flat.assign(saved);
    int count = 0;
    for (double m : marks) {
      count += m != 0 ? 1 : 0;
    }
    int[] positions = new int[count];
    for (int i = 0, k = 0; i < marks.length; i++) {
      if (marks[i] != 0) {
        positions[k++] = i;
      }
    }
    return positions;
  }
}
