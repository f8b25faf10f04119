package io.metaspark.core.task;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A batch of examples in the network's own data type: features [n, ...] and labels [n, out].
 *
 * <p>Examples made from Java arrays ({@link #ofRows}) keep them, and make their ND4J arrays only
 * when asked: a learner that computes in Java (the dense one) reads the rows directly. Each ND4J
 * array costs an off-heap allocation and its later deallocation, about 3 us apiece here, which
 * on the sinusoid was a fifth of a MAML task's cost.
 */
public final class Examples {
  private INDArray features;
  private INDArray labels;
  private final double[] featureRows;
  private final double[] labelRows;
  private final int rows;
  private final int featureColumns;
  private final int labelColumns;
  private final DataType dataType;

  public Examples(INDArray features, INDArray labels) {
    if (features.size(0) != labels.size(0)) {
      throw new IllegalArgumentException("features have " + features.size(0) + " rows but labels have "
          + labels.size(0));
    }
    this.features = features;
    this.labels = labels;
    this.featureRows = null;
    this.labelRows = null;
    this.rows = (int) features.size(0);
    this.featureColumns = 0;
    this.labelColumns = 0;
    this.dataType = null;
  }

  private Examples(double[] featureRows, int featureColumns, double[] labelRows, int labelColumns, DataType dataType) {
    this.featureRows = featureRows;
    this.labelRows = labelRows;
    this.rows = featureRows.length / featureColumns;
    this.featureColumns = featureColumns;
    this.labelColumns = labelColumns;
    this.dataType = dataType;
  }

  /**
   * Examples of matrix-shaped features [n, featureColumns] and labels [n, labelColumns] given as
   * row-major doubles, in {@code dataType}: the values are rounded to it here, so the rows read
   * directly are the values the ND4J arrays hold.
   */
  public static Examples ofRows(double[] features, int featureColumns, double[] labels, int labelColumns,
      DataType dataType) {
    if (featureColumns < 1 || labelColumns < 1 || features.length % featureColumns != 0
        || labels.length % labelColumns != 0 || features.length / featureColumns != labels.length / labelColumns) {
      throw new IllegalArgumentException("features of " + features.length + " values in rows of " + featureColumns
          + " and labels of " + labels.length + " in rows of " + labelColumns + " are not the same rows");
    }
    return new Examples(rounded(features, dataType), featureColumns, rounded(labels, dataType), labelColumns, dataType);
  }

  private static double[] rounded(double[] values, DataType dataType) {
    switch (dataType) {
      case DOUBLE:
        return values;
      case FLOAT:
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
          out[i] = (float) values[i];
        }
        return out;
      default:
        // other types round as ND4J does: read them back from its own cast
        return Nd4j.create(values, new long[] {values.length}, DataType.DOUBLE).castTo(dataType)
            .castTo(DataType.DOUBLE).toDoubleVector();
    }
  }

  public INDArray features() {
    if (features == null) {
      features = Nd4j.create(featureRows, new long[] {rows, featureColumns}, DataType.DOUBLE).castTo(dataType);
    }
    return features;
  }

  public INDArray labels() {
    if (labels == null) {
      labels = Nd4j.create(labelRows, new long[] {rows, labelColumns}, DataType.DOUBLE).castTo(dataType);
    }
    return labels;
  }

  public int size() {
    return rows;
  }

  /** The features' row-major values when these examples were made {@link #ofRows from them}, else null; not to be changed. */
  public double[] featureRows(int columns) {
    return featureRows != null && featureColumns == columns ? featureRows : null;
  }

  /** The labels' row-major values when these examples were made {@link #ofRows from them}, else null; not to be changed. */
  public double[] labelRows(int columns) {
    return labelRows != null && labelColumns == columns ? labelRows : null;
  }
}
