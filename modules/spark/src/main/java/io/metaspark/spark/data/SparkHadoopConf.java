package io.metaspark.spark.data;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import scala.Tuple2;

/**
 * Hadoop configurations that honour Spark's {@code spark.hadoop.*} properties (S3 endpoints and
 * credentials providers, HDFS client settings, custom file systems). Spark applies them to the
 * configurations it makes itself, not to a {@code new Configuration()}, and the data readers here
 * make their own because they run inside tasks, where Spark's is out of reach.
 */
public final class SparkHadoopConf {
  private static final String PREFIX = "spark.hadoop.";

  private SparkHadoopConf() {}

  /**
   * In a Spark JVM (driver or executor) the running application's settings; elsewhere those
   * spark-submit left in the system properties.
   */
  public static Configuration current() {
    SparkEnv env = SparkEnv.get();
    return of(env != null ? env.conf() : new SparkConf());
  }

  public static Configuration of(SparkConf spark) {
    Configuration conf = new Configuration();
    for (Tuple2<String, String> setting : spark.getAllWithPrefix(PREFIX)) {
      conf.set(setting._1(), setting._2());
    }
    return conf;
  }
}
