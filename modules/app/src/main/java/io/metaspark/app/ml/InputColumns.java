package io.metaspark.app.ml;

import io.metaspark.spark.personalize.BadGroupException;
import io.metaspark.spark.personalize.GroupColumns;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;

/**
 * The columns a table must have for fit and transform, checked against its schema before any job
 * runs: as the table task family checks a table, a missing column is named with the columns there
 * are, and a column that is not numeric is bad data naming its type.
 */
final class InputColumns {
  private InputColumns() {}

  /**
   * Where the group, feature and label columns are in {@code schema}.
   *
   * @param labelRequired fit needs the label column; transform predicts every row of a table without one
   * @param classValues a classifier's classes, or null
   * @throws IllegalArgumentException a column is missing or named twice
   * @throws BadGroupException a feature or label column is not numeric
   */
  static GroupColumns locate(StructType schema, String group, String[] features, String label, boolean labelRequired,
      double[] classValues) {
    List<String> names = Arrays.asList(schema.fieldNames());
    int groupIndex = index(names, "group column", group);
    int[] featureIndices = new int[features.length];
    for (int f = 0; f < features.length; f++) {
      featureIndices[f] = index(names, "feature column", features[f]);
      requireNumeric(schema, "feature column", features[f]);
      if (features[f].equals(group) || features[f].equals(label)) {
        throw new IllegalArgumentException("feature column '" + features[f] + "' is also the group or label column");
      }
    }
    int labelIndex = -1;
    if (labelRequired || names.contains(label)) {
      labelIndex = index(names, "label column", label);
      requireNumeric(schema, "label column", label);
    }
    return new GroupColumns(group, groupIndex, List.of(features), featureIndices, label, labelIndex, classValues);
  }

  /**
   * {@code schema} with transform's output columns: the prediction, a classifier's probabilities
   * ({@code probability} null for regression) and the group's labelled rows; none may be there yet.
   */
  static StructType withOutputs(StructType schema, String prediction, String probability, String labelledRows) {
    StructType out = requireAbsent(schema, prediction).add(prediction, DataTypes.DoubleType, true);
    if (probability != null) {
      out = requireAbsent(out, probability).add(probability,
          DataTypes.createArrayType(DataTypes.DoubleType, false), true);
    }
    return requireAbsent(out, labelledRows).add(labelledRows, DataTypes.IntegerType, false);
  }

  private static StructType requireAbsent(StructType schema, String output) {
    if (Arrays.asList(schema.fieldNames()).contains(output)) {
      throw new IllegalArgumentException("output column '" + output + "' is already in the table; choose another"
          + " name for it");
    }
    return schema;
  }

  private static int index(List<String> names, String role, String column) {
    int index = names.indexOf(column);
    if (index < 0) {
      throw new IllegalArgumentException(role + " '" + column + "' is not in the table; its columns are: "
          + String.join(", ", names));
    }
    return index;
  }

  private static void requireNumeric(StructType schema, String role, String column) {
    if (!(schema.apply(column).dataType() instanceof NumericType)) {
      throw new BadGroupException(role + " '" + column + "' is not numeric (type "
          + schema.apply(column).dataType().simpleString() + ")");
    }
  }
}
