package io.metaspark.spark.personalize;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * Where a group's values are in a row: the group column, the feature columns (the network's inputs,
 * in order) and the label column, by name and position, and for a classifier its classes (class i is
 * the i-th value, ascending, as training numbered them). Reads and checks one row's values, naming
 * the column, the value and the group in every error.
 *
 * @param labelIndex the label column's position, or -1 when the table has none (every row is predicted)
 * @param classValues the classes' label values, or null for regression
 */
public record GroupColumns(String group, int groupIndex, List<String> features, int[] featureIndices, String label,
    int labelIndex, double[] classValues) implements Serializable {

  public GroupColumns {
    features = List.copyOf(features);
    if (features.size() != featureIndices.length) {
      throw new IllegalArgumentException(features.size() + " feature columns but " + featureIndices.length
          + " positions");
    }
  }

  public boolean classification() {
    return classValues != null;
  }

  /** The network's width of output: one per class, or 1. */
  public int outputs() {
    return classification() ? classValues.length : 1;
  }

  /** The row's features, written at {@code into[offset..]}; an empty or non-finite one is an error naming it. */
  void readFeatures(Row row, String key, double[] into, int offset) {
    for (int f = 0; f < featureIndices.length; f++) {
      into[offset + f] = finite(row, featureIndices[f], "feature column '" + features.get(f) + "'", key);
    }
  }

  /** Whether the row has a label: a row without one (null) is one to predict. */
  boolean labelled(Row row) {
    return labelIndex >= 0 && !row.isNullAt(labelIndex);
  }

  /** The row's label (a target, or a class's value), checked: finite, and for a classifier one of its classes. */
  double readLabel(Row row, String key) {
    double value = finite(row, labelIndex, "label column '" + label + "'", key);
    if (classification() && classOf(value) < 0) {
      throw new BadGroupException("label column '" + label + "' has the value " + value + " in group '" + key
          + "', which is not one of the model's classes " + Arrays.toString(classValues));
    }
    return value;
  }

  /** The class number of a label value, or -1. */
  int classOf(double value) {
    int i = Arrays.binarySearch(classValues, value);
    return i >= 0 ? i : -1;
  }

  private static double finite(Row row, int index, String column, String key) {
    if (row.isNullAt(index)) {
      throw new BadGroupException(column + " has an empty value in group '" + key + "'");
    }
    double value = ((Number) row.get(index)).doubleValue();
    if (!Double.isFinite(value)) {
      throw new BadGroupException(column + " has the non-finite value " + value + " in group '" + key + "'");
    }
    return value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GroupColumns c && group.equals(c.group) && groupIndex == c.groupIndex
        && features.equals(c.features) && Arrays.equals(featureIndices, c.featureIndices) && label.equals(c.label)
        && labelIndex == c.labelIndex && Arrays.equals(classValues, c.classValues);
  }

  @Override
  public int hashCode() {
    return 31 * group.hashCode() + features.hashCode();
  }
}
