package io.metaspark.app.run;

import io.metaspark.app.config.ConfigError;
import io.metaspark.app.config.Job;
import io.metaspark.spark.SparkSetup;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Starts Spark for a job. The master comes from --master, else from spark-submit (which sets
 * spark.master), else from the config, so the same config runs embedded and on a cluster.
 */
public final class SparkContexts {
  private SparkContexts() {}

  public static JavaSparkContext start(Job job, String masterOverride) {
    return start(masterOverride, job.settings().spark().master(), job.settings().spark().appName(),
        job.settings().spark().conf());
  }

  /**
   * Spark for a command without a job config: {@code --master}, else spark-submit's, else
   * {@code defaultMaster}; {@code conf} fills in what spark-submit did not set.
   */
  public static JavaSparkContext start(String masterOverride, String defaultMaster, String appName,
      Map<String, String> sparkConf) {
    SparkConf conf = new SparkConf();
    if (masterOverride != null) {
      conf.setMaster(masterOverride);
    } else {
      conf.setIfMissing("spark.master", defaultMaster);
    }
    conf.setIfMissing("spark.app.name", appName);
    sparkConf.forEach(conf::setIfMissing);
    if (conf.get("spark.master").startsWith("local-cluster")) {
      separateExecutorJvms(conf);
    }
    try {
      return new JavaSparkContext(SparkSetup.withDefaults(conf));
    } catch (Exception e) {
      // Spark's SparkException, undeclared: a master it cannot parse is the command's fault, not a failure
      if (e.getMessage() != null && e.getMessage().contains("Master URL")) {
        throw new ConfigError((masterOverride != null ? "--master" : "spark.master") + " '" + conf.get("spark.master")
            + "' is not a Spark master URL (local[N], local-cluster[N,c,m], spark://host:port, yarn, k8s://...): "
            + e.getMessage(), e);
      }
      throw e;
    }
  }

  public static void requireSparkHome() {
    String home = System.getenv("SPARK_HOME");
    if (home == null || !new java.io.File(home, "jars").isDirectory()) {
      throw new ConfigError("a local-cluster master needs SPARK_HOME with a jars/ folder (bin/metaspark sets one;"
          + " an empty jars/ is enough), got " + home);
    }
  }

  /**
   * local-cluster[N,c,m]: a master and a worker in this JVM launch N executor JVMs, as on a
   * cluster. Spark's launcher builds their command line from SPARK_HOME (bin/metaspark provides
   * one with an empty jars/), and they get this JVM's classpath, so no shaded jar is needed.
   */
  private static void separateExecutorJvms(SparkConf conf) {
    requireSparkHome();
    conf.setIfMissing("spark.executor.extraClassPath", System.getProperty("java.class.path"));
    conf.setIfMissing("spark.executor.extraJavaOptions", "-XX:+UseParallelGC -Dorg.bytedeco.javacpp.maxPhysicalBytes=0");
    conf.setIfMissing("spark.executorEnv.OMP_NUM_THREADS", "1");
    conf.setIfMissing("spark.executorEnv.SPARK_LOCAL_IP", "127.0.0.1");
    conf.setIfMissing("spark.driver.host", "127.0.0.1");
    // the first job waits for every executor, so no measurement runs on fewer than asked for
    conf.setIfMissing("spark.scheduler.minRegisteredResourcesRatio", "1.0");
    conf.setIfMissing("spark.scheduler.maxRegisteredResourcesWaitingTime", "120s");
  }
}
