package io.metaspark.spark;

import org.apache.spark.SparkConf;

/** The Spark settings metaspark relies on, applied unless the user set them already. */
public final class SparkSetup {
  private SparkSetup() {}

  public static SparkConf withDefaults(SparkConf conf) {
    conf.setIfMissing("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
    conf.setIfMissing("spark.kryo.registrator", MetasparkKryoRegistrator.class.getName());
    // tasks are tiny and many: a failed task is retried, not the whole job
    conf.setIfMissing("spark.task.maxFailures", "4");
    return conf;
  }
}
