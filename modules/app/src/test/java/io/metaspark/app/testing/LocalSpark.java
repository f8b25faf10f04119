package io.metaspark.app.testing;

import org.apache.spark.sql.SparkSession;

/** A SparkSession on local[2] as a Spark user builds one: none of metaspark's own Spark settings. */
public final class LocalSpark {
  private LocalSpark() {}

  public static SparkSession start() {
    return SparkSession.builder().master("local[2]").appName("metaspark-test").config("spark.ui.enabled", false)
        .config("spark.sql.shuffle.partitions", 4).getOrCreate();
  }
}
