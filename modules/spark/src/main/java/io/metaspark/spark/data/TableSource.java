package io.metaspark.spark.data;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.NumericType;

/**
 * A table of grouped examples as the user describes it: where it is (any Hadoop URI Spark reads),
 * its format, and which columns are the task key, the features and the outcome (a real-valued
 * target, or a class label). {@link #checked} reads it with Spark and refuses, naming the column
 * and where Spark can the file, anything that cannot become numbers: before any task is built.
 *
 * @param format parquet or csv (with a header line; column types inferred)
 * @param classification the outcome is a class label (its distinct values are the classes), not a target
 */
public record TableSource(String location, String format, String keyColumn, List<String> featureColumns,
    String outcomeColumn, boolean classification) implements Serializable {
  /** More distinct labels than this is a target column given as a label, not a class label. */
  static final int MAX_CLASSES = 1000;
  /** Bumped when the store's content for the same settings would change: old stores are then rebuilt. */
  private static final String STORE_VERSION = "task-store/1";

  public TableSource {
    format = format.trim().toLowerCase(Locale.ROOT);
    if (!format.equals("parquet") && !format.equals("csv")) {
      throw new IllegalArgumentException("format must be parquet or csv, got '" + format + "'");
    }
    featureColumns = List.copyOf(featureColumns);
    if (featureColumns.isEmpty()) {
      throw new IllegalArgumentException("at least one feature column is needed");
    }
  }

  /** The columns a stored row holds, in order: the features, then the outcome. */
  List<String> valueColumns() {
    List<String> columns = new ArrayList<>(featureColumns);
    columns.add(outcomeColumn);
    return columns;
  }

  String outcomeRole() {
    return classification ? "label column" : "target column";
  }

  /** The table with every named column present, numeric (key aside) and never empty or NaN. */
  Dataset<Row> checked(SparkSession spark) {
    Dataset<Row> table = read(spark);
    List<String> present = Arrays.asList(table.columns());
    requirePresent(present, "key column", keyColumn);
    for (String feature : featureColumns) {
      requirePresent(present, "feature column", feature);
    }
    requirePresent(present, outcomeRole(), outcomeColumn);
    for (String feature : featureColumns) {
      requireNumeric(table, "feature column", feature);
    }
    requireNumeric(table, outcomeRole(), outcomeColumn);
    requireValues(table);
    return table;
  }

  private Dataset<Row> read(SparkSession spark) {
    try {
      return format.equals("parquet")
          ? spark.read().parquet(location)
          : spark.read().option("header", true).option("inferSchema", true).option("mode", "FAILFAST").csv(location);
    } catch (Exception e) {
      // Spark's AnalysisException (checked in Java's eyes, never declared): a missing path, or no files of the format
      throw new IllegalArgumentException("cannot read " + format + " table " + location + ": " + e.getMessage(), e);
    }
  }

  private void requirePresent(List<String> present, String role, String column) {
    if (!present.contains(column)) {
      throw new IllegalArgumentException(role + " '" + column + "' is not in " + location + "; its columns are: "
          + String.join(", ", present));
    }
  }

  private void requireNumeric(Dataset<Row> table, String role, String column) {
    if (table.schema().apply(column).dataType() instanceof NumericType) {
      return;
    }
    Column c = column(column);
    // a CSV column is typed string when any one value does not parse: find it, and its file
    List<Row> bad = table.where(c.isNotNull().and(c.cast("double").isNull()))
        .select(functions.input_file_name(), c.cast("string")).takeAsList(1);
    String type = table.schema().apply(column).dataType().simpleString();
    if (bad.isEmpty()) {
      throw new BadTableException(role + " '" + column + "' of " + location + " is not numeric (type " + type + ")");
    }
    throw new BadTableException(role + " '" + column + "' of " + location + " is not numeric (type " + type
        + "): value '" + bad.get(0).getString(1) + "' in " + bad.get(0).getString(0));
  }

  /** No key, feature or outcome may be missing (null, an empty CSV field) or NaN. */
  private void requireValues(Dataset<Row> table) {
    Column missing = column(keyColumn).isNull();
    for (String name : valueColumns()) {
      Column c = column(name);
      missing = missing.or(c.isNull()).or(functions.isnan(c.cast("double")));
    }
    List<Column> shown = new ArrayList<>();
    shown.add(functions.input_file_name());
    shown.add(column(keyColumn).cast("string"));
    for (String name : valueColumns()) {
      shown.add(column(name).cast("double"));
    }
    List<Row> bad = table.where(missing).select(shown.toArray(new Column[0])).takeAsList(1);
    if (!bad.isEmpty()) {
      Row row = bad.get(0);
      String column = row.isNullAt(1) ? "key column '" + keyColumn + "'" : null;
      List<String> names = valueColumns();
      for (int i = 0; column == null && i < names.size(); i++) {
        if (row.isNullAt(2 + i) || Double.isNaN(row.getDouble(2 + i))) {
          column = (i < featureColumns.size() ? "feature column '" : outcomeRole() + " '") + names.get(i) + "'";
        }
      }
      throw new BadTableException(column + " of " + location + " has an empty or NaN value"
          + (row.isNullAt(1) ? "" : " (task key '" + row.getString(1) + "')") + " in " + row.getString(0));
    }
  }

  /** For classification: the label column's distinct values, ascending (class i is the i-th). */
  double[] classValues(Dataset<Row> table) {
    List<Row> rows = table.select(column(outcomeColumn).cast("double")).distinct().limit(MAX_CLASSES + 1)
        .collectAsList();
    if (rows.size() > MAX_CLASSES) {
      throw new BadTableException("label column '" + outcomeColumn + "' of " + location + " has more than "
          + MAX_CLASSES + " distinct values: a real-valued outcome is a target column, not a label column");
    }
    if (rows.size() < 2) {
      throw new BadTableException("label column '" + outcomeColumn + "' of " + location + " has "
          + rows.size() + " distinct value(s): classification needs at least 2 classes");
    }
    return rows.stream().mapToDouble(r -> r.getDouble(0)).sorted().toArray();
  }

  /** A column by its exact name, even with dots or spaces in it. */
  static Column column(String name) {
    return functions.col("`" + name.replace("`", "``") + "`");
  }

  /** Identifies the settings a store is built from (not K, Q or the split, which apply when sampling). */
  public String fingerprint() {
    String settings = String.join("\u0000", STORE_VERSION, location, format, keyColumn,
        String.join("\u0001", featureColumns), outcomeColumn, String.valueOf(classification));
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(settings.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  public String describe() {
    return format + " table " + location + " (key " + keyColumn + ", " + featureColumns.size() + " features, "
        + (classification ? "label " : "target ") + outcomeColumn + ")";
  }
}
