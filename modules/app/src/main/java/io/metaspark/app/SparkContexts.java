package io.metaspark.app;

import io.metaspark.spark.SparkSetup;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Starts Spark for a job. The master comes from --master, else from spark-submit (which sets
 * spark.master), else from the config, so the same config runs embedded and on a cluster.
 */
final class SparkContexts {
  private SparkContexts() {}

  static JavaSparkContext start(JobConfig job, String masterOverride) {
    SparkConf conf = new SparkConf();
    if (masterOverride != null) {
      conf.setMaster(masterOverride);
    } else {
      conf.setIfMissing("spark.master", job.sparkMaster());
    }
    conf.setIfMissing("spark.app.name", job.appName());
    job.sparkConf().forEach(conf::setIfMissing);
    return new JavaSparkContext(SparkSetup.withDefaults(conf));
  }
}
