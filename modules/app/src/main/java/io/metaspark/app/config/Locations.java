package io.metaspark.app.config;

import io.metaspark.spark.data.SparkHadoopConf;
import java.io.IOException;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;

/**
 * Data paths as the driver resolves them, with the Hadoop configuration the job's Spark will have
 * (spark-submit's --conf wins over spark.conf, as when Spark starts). Errors name the key the path
 * came from.
 */
public final class Locations {
  private final Configuration hadoop;

  private Locations(Configuration hadoop) {
    this.hadoop = hadoop;
  }

  static Locations forDriver(Map<String, String> sparkConf) {
    SparkConf spark = new SparkConf();
    sparkConf.forEach(spark::setIfMissing);
    return new Locations(SparkHadoopConf.of(spark));
  }

  /**
   * {@code location} as the driver resolves it (a relative path against the driver's working
   * directory on the default file system): executors in their own JVMs run in other directories,
   * so only a qualified path means the same data there.
   */
  public String qualified(Key<?> key, String location) {
    Path path = new Path(location);
    try {
      return path.getFileSystem(hadoop).makeQualified(path).toString();
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigError(key.path() + ": cannot resolve " + location + ": " + e.getMessage(), e);
    }
  }

  /** That {@code location} exists, without reading it. */
  public void requireExists(Key<?> key, String location) {
    Path path = new Path(location);
    boolean exists;
    try {
      exists = path.getFileSystem(hadoop).exists(path);
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigError(key.path() + ": cannot look up " + location + ": " + e.getMessage(), e);
    }
    if (!exists) {
      throw new ConfigError(key.path() + ": " + location + " does not exist");
    }
  }
}
