package io.metaspark.core.task;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A batch of examples in the network's own data type: features [n, ...] and labels [n, out].
 */
public record Examples(INDArray features, INDArray labels) {
  public Examples {
    if (features.size(0) != labels.size(0)) {
      throw new IllegalArgumentException("features have " + features.size(0) + " rows but labels have "
          + labels.size(0));
    }
  }

  public int size() {
    return (int) features.size(0);
  }
}
