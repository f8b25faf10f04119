package io.metaspark.app.testing;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** The project's table fixtures (src-test-data/tables), and the same rows with labels to predict. */
public final class TableFixture {
  public static final String REGRESSION = "../../src-test-data/tables/regression.parquet";
  public static final String CLASSIFICATION = "../../src-test-data/tables/classification.parquet";

  private TableFixture() {}

  /**
   * The regression fixture with every third row's label (by a hash of its features, so the same
   * rows whatever the partitioning) null: the rows a personalization predicts. {@code truth} keeps
   * every row's label.
   */
  public static Dataset<Row> toPersonalize(SparkSession spark) {
    Dataset<Row> sites = spark.read().parquet(REGRESSION).withColumn("truth", col("y"));
    return sites.withColumn("y", when(pmod(xxhash64(col("x1"), col("x2"), col("x3")), lit(3)).equalTo(0),
        lit(null).cast("double")).otherwise(col("y")));
  }
}
