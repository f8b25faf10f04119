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

  /** The table with rows, every named column present, numeric (key aside) and never empty, NaN or infinite. */
  Dataset<Row> checked(SparkSession spark) {
    Dataset<Row> table = read(spark);
    // an empty CSV has no columns and a header-only one only string columns: say what is wrong with them
    if (table.columns().length == 0 || table.isEmpty()) {
      throw new BadTableException(format + " table " + location + " has no rows");
    }
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
    // a CSV column is typed string when any one value does not parse: find it (a value Spark's cast
    // reads as a non-finite double, such as "inf", is as bad), with its task key and file
    List<Row> bad = table.where(c.isNotNull().and(finite(c).isNull().or(functions.not(finite(c)))))
        .select(functions.input_file_name(), c.cast("string"), column(keyColumn).cast("string"),
            c.cast("double").isNull())
        .takeAsList(1);
    String type = table.schema().apply(column).dataType().simpleString();
    if (bad.isEmpty()) {
      throw new BadTableException(role + " '" + column + "' of " + location + " is not numeric (type " + type + ")");
    }
    Row row = bad.get(0);
    String what = row.getBoolean(3) ? "is not numeric (type " + type + "): value" : "has the non-finite value";
    throw new BadTableException(role + " '" + column + "' of " + location + " " + what + " '" + row.getString(1)
        + "'" + taskKey(row, 2) + " in " + row.getString(0));
  }

  /**
   * No key may be missing, and no feature or outcome missing (null, an empty CSV field) or
   * non-finite (NaN, or an infinity however the file spells it: "Infinity", "Inf", an overflowing
   * "1e999", or Parquet's own IEEE value).
   */
  private void requireValues(Dataset<Row> table) {
    Column bad = column(keyColumn).isNull();
    for (String name : valueColumns()) {
      bad = bad.or(functions.coalesce(functions.not(finite(column(name))), functions.lit(true)));
    }
    List<Column> shown = new ArrayList<>();
    shown.add(functions.input_file_name());
    shown.add(column(keyColumn).cast("string"));
    for (String name : valueColumns()) {
      shown.add(column(name).cast("double"));
    }
    List<Row> rows = table.where(bad).select(shown.toArray(new Column[0])).takeAsList(1);
    if (rows.isEmpty()) {
      return;
    }
    Row row = rows.get(0);
    if (row.isNullAt(1)) {
      throw new BadTableException("key column '" + keyColumn + "' of " + location + " has an empty value in "
          + row.getString(0));
    }
    List<String> names = valueColumns();
    for (int i = 0; i < names.size(); i++) {
      if (row.isNullAt(2 + i) || !Double.isFinite(row.getDouble(2 + i))) {
        String column = (i < featureColumns.size() ? "feature column '" : outcomeRole() + " '") + names.get(i) + "'";
        String value = row.isNullAt(2 + i) ? "an empty value" : "the non-finite value " + row.getDouble(2 + i);
        throw new BadTableException(column + " of " + location + " has " + value + taskKey(row, 1) + " in "
            + row.getString(0));
      }
    }
  }

  /** Whether a column's value, as a double, is a finite number; null where it is missing or no number. */
  private static Column finite(Column c) {
    Column d = c.cast("double");
    return functions.not(functions.isnan(d)).and(functions.abs(d).notEqual(Double.POSITIVE_INFINITY));
  }

  private static String taskKey(Row row, int field) {
    return row.isNullAt(field) ? "" : " (task key '" + row.getString(field) + "')";
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
