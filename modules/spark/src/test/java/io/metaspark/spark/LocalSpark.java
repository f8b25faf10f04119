package io.metaspark.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/** A real embedded Spark for tests, on loopback, without the web UI. */
final class LocalSpark {
  private LocalSpark() {}

  static JavaSparkContext start(String master) {
    SparkConf conf = SparkSetup.withDefaults(new SparkConf()
        .setMaster(master)
        .setAppName("metaspark-test")
        .set("spark.ui.enabled", "false")
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.driver.bindAddress", "127.0.0.1"));
    return new JavaSparkContext(conf);
  }
}
