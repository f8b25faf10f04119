package io.metaspark.core.task.table;

import java.util.Arrays;

/**
 * What a task store knows about its groups without their rows: each group's key and row count
 * (groups sorted by key), the feature count, and for classification the label values in class
 * order. It is small (keys and counts only), so the driver reads it to report and split groups, and
 * every executor keeps one copy.
 *
 * @param keys the groups' task keys, ascending ({@link String#compareTo})
 * @param rowCounts rows of each group
 * @param featureCount feature columns; a stored row is the features then the target (or label)
 * @param classValues for classification, the label column's distinct values ascending (class i is
 *     classValues[i]); null for regression
 */
public record TableIndex(String[] keys, int[] rowCounts, int featureCount, double[] classValues) {
  public TableIndex {
    if (keys.length != rowCounts.length) {
      throw new IllegalArgumentException(keys.length + " keys but " + rowCounts.length + " row counts");
    }
    for (int g = 1; g < keys.length; g++) {
      if (keys[g - 1].compareTo(keys[g]) >= 0) {
        throw new IllegalArgumentException("group keys must be distinct and ascending: '" + keys[g - 1]
            + "' before '" + keys[g] + "'");
      }
    }
    if (featureCount < 1) {
      throw new IllegalArgumentException("a table needs at least one feature column, got " + featureCount);
    }
  }

  public int groupCount() {
    return keys.length;
  }

  /** Doubles per stored row: the features, then the target or label. */
  public int rowWidth() {
    return featureCount + 1;
  }

  public boolean classification() {
    return classValues != null;
  }

  public long totalRows() {
    return Arrays.stream(rowCounts).asLongStream().sum();
  }

  /** Class of a stored label value, by exact match; the store holds only values listed in classValues. */
  public int classOf(double labelValue) {
    int c = Arrays.binarySearch(classValues, labelValue);
    if (c < 0) {
      throw new IllegalArgumentException("label " + labelValue + " is not one of the table's classes "
          + Arrays.toString(classValues));
    }
    return c;
  }
}
