package io.metaspark.app.adapt;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.metaspark.app.config.ConfigError;
import io.metaspark.app.config.DataError;
import io.metaspark.app.ml.MetaModel;
import io.metaspark.app.run.RunDirectory;
import io.metaspark.spark.personalize.BadGroupException;
import java.io.IOException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * adapt --table: personalizes a whole table in one Spark job, as {@link MetaModel#transform} does:
 * every group adapted on its labelled rows, every row predicted, written as Parquet
 * ({@value #PREDICTIONS}; with --parameters also {@value #PARAMETERS}, one adapted parameter vector
 * per group), and a report ({@value #REPORT}) that counts the groups that had too few labelled rows
 * and names the first of them.
 */
public final class TablePersonalization {
  public static final String PREDICTIONS = "predictions.parquet";
  public static final String PARAMETERS = "parameters.parquet";
  public static final String REPORT = "adapt.json";
  private static final int NAMED_GROUPS = 5;
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * The options of {@code adapt --table}; a column left null is the model's (its training config's).
   *
   * @param format parquet or csv (a header line; column types inferred)
   * @param minLabelledRows null: the model's (the K it was trained with)
   */
  public record Request(String model, String table, String format, String output, boolean parameters,
      Integer minLabelledRows, String groupColumn, List<String> featureColumns, String labelColumn) {}

  private final Request request;
  private final PrintStream out;

  public TablePersonalization(Request request, PrintStream out) {
    this.request = request;
    this.out = out;
  }

  public void run(SparkSession spark) throws IOException {
    MetaModel model = model();
    Dataset<Row> table = table(spark);
    Dataset<Row> predictions;
    try {
      predictions = model.transform(table);
    } catch (BadGroupException e) {
      throw new DataError("--table " + request.table() + ": " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new ConfigError("--table " + request.table() + ": " + e.getMessage(), e);
    }
    RunDirectory output = RunDirectory.openOrCreate(request.output(), spark.sparkContext().hadoopConfiguration());
    long began = System.nanoTime();
    write(predictions, output.path(PREDICTIONS).toString());
    double seconds = (System.nanoTime() - began) / 1e9;
    if (request.parameters()) {
      write(model.adaptedParameters(table), output.path(PARAMETERS).toString());
    }
    Map<String, Object> report = report(spark, model, output, seconds);
    output.writeString(REPORT, JSON.writeValueAsString(report));
    out.printf("predictions: %s%s%n", output.path(PREDICTIONS),
        request.parameters() ? "; adapted parameters: " + output.path(PARAMETERS) : "");
  }

  /** The model, read with the running Spark session, its columns as the options say. */
  private MetaModel model() {
    MetaModel model;
    try {
      model = MetaModel.load(request.model());
    } catch (RuntimeException e) {
      throw new ConfigError("--model " + request.model() + ": " + e.getMessage(), e);
    }
    if (request.groupColumn() != null) {
      model.setGroupCol(request.groupColumn());
    }
    if (request.featureColumns() != null) {
      model.setFeaturesCols(request.featureColumns().toArray(new String[0]));
    }
    if (request.labelColumn() != null) {
      model.setLabelCol(request.labelColumn());
    }
    if (request.minLabelledRows() != null) {
      model.setMinLabelledRows(request.minLabelledRows());
    }
    return model;
  }

  private Dataset<Row> table(SparkSession spark) {
    try {
      return request.format().equals("csv")
          ? spark.read().option("header", true).option("inferSchema", true).option("mode", "FAILFAST")
              .csv(request.table())
          : spark.read().parquet(request.table());
    } catch (Exception e) {
      // Spark's AnalysisException (undeclared): a missing path, or no files of the format
      throw new ConfigError("--table " + request.table() + ": cannot read it as " + request.format() + ": "
          + e.getMessage(), e);
    }
  }

  /** Runs the job; bad values found on an executor become a DataError naming them and the table. */
  private void write(Dataset<Row> rows, String path) {
    try {
      rows.write().mode(SaveMode.Overwrite).parquet(path);
    } catch (Exception e) { // Spark's SparkException, checked but undeclared; rethrown as it came
      BadGroupException bad = BadGroupException.in(e);
      if (bad != null) {
        throw new DataError("--table " + request.table() + ": " + bad.getMessage());
      }
      throw e;
    }
  }

  /** Counted from what was written: small aggregates to the driver, never the groups themselves. */
  private Map<String, Object> report(SparkSession spark, MetaModel model, RunDirectory output, double seconds) {
    String group = (String) model.getOrDefault(model.groupCol());
    String labelled = (String) model.getOrDefault(model.labelledRowsCol());
    String prediction = (String) model.getOrDefault(model.predictionCol());
    int minimum = (Integer) model.getOrDefault(model.minLabelledRows());
    Dataset<Row> groups = spark.read().parquet(output.path(PREDICTIONS).toString())
        .groupBy(column(group))
        .agg(functions.max(column(labelled)).as("labelled"), functions.count(functions.lit(1)).as("rows"),
            functions.count(column(prediction)).as("predicted"));
    Column small = functions.col("predicted").equalTo(0).and(functions.col("rows").gt(0));
    Row totals = groups.agg(functions.count(functions.lit(1)), functions.sum("rows"), functions.sum("labelled"),
        functions.sum(functions.when(small, 1).otherwise(0))).first();
    List<String> named = groups.where(small).select(column(group).cast("string").as("key")).orderBy("key")
        .limit(NAMED_GROUPS).as(Encoders.STRING()).collectAsList();
    long groupCount = totals.getLong(0);
    long tooSmall = totals.isNullAt(3) ? 0 : totals.getLong(3);
    out.printf(Locale.ROOT, "adapted %d of %d groups and predicted %d rows in %.1f s (%.0f groups/s)%n",
        groupCount - tooSmall, groupCount, totals.getLong(1), seconds, groupCount / Math.max(seconds, 1e-9));
    if (tooSmall > 0) {
      out.printf(Locale.ROOT, "  %d group(s) with fewer than %d labelled rows not adapted, their predictions null"
          + " (%s%s)%n", tooSmall, minimum, String.join(", ", named), tooSmall > named.size() ? ", ..." : "");
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("model", request.model());
    report.put("table", request.table());
    report.put("groups", groupCount);
    report.put("rows", totals.getLong(1));
    report.put("labelled_rows", totals.isNullAt(2) ? 0 : totals.getLong(2));
    report.put("min_labelled_rows", minimum);
    report.put("too_few_labelled_groups", tooSmall);
    report.put("too_few_labelled_keys", named);
    report.put("seconds", seconds);
    return report;
  }

  private static Column column(String name) {
    return functions.col("`" + name.replace("`", "``") + "`");
  }
}
