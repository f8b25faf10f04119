package io.metaspark.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.app.testing.CheckpointFiles;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * YARN for real: Hadoop's own MiniYARNCluster (a ResourceManager and a NodeManager in this JVM,
 * every address on loopback), the shaded jar submitted to it by Spark's {@code SparkSubmit} with
 * {@code --master yarn} in client mode, in a JVM of its own whose classpath is a Spark home (no
 * metaspark classes: they come from the shaded jar). The ApplicationMaster and two executors run in
 * YARN containers, JVMs the NodeManager starts. Mid-run one executor's container JVM is killed
 * with SIGKILL; YARN reports the container lost, Spark reruns its tasks and asks for a new one, and
 * the run ends bit-identical to the same config on local[2].
 *
 * <p>Minutes long (containers start JVMs on a 2-core machine): run with {@code -Pyarn-it} or
 * {@code -Dit.test=YarnIT} (docs/TESTING.md).
 */
class YarnIT {
  private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();

  @TempDir
  static Path dir;
  /** The submit's and spark-home.sh's output, kept after the test (the NodeManager's logs are under target/test/data). */
  private static final Path LOGS = Path.of("target", "yarn-it").toAbsolutePath();
  private static MiniYARNCluster yarn;
  private static Path hadoopConf;

  private static List<String> trainArgs(String name) {
    return List.of("train", "--config", ROOT.resolve("conf/sinusoid.conf").toString(),
        "--set", "run.dir=" + dir.resolve("runs"), "--set", "run.name=" + name, "--set", "train.iterations=150",
        "--set", "train.meta-batch=10", "--set", "train.log-every=10", "--set", "checkpoint.every=5",
        "--set", "spark.partitions=2", "--set", "evaluate.after-train=false", "--set", "validate.every=0");
  }

  @BeforeAll
  static void referenceRunAndYarn() throws Exception {
    List<String> reference = new ArrayList<>(trainArgs("reference"));
    reference.addAll(List.of("--master", "local[2]"));
    assertEquals(0, MetasparkCli.run(reference.toArray(String[]::new)));

    YarnConfiguration conf = new YarnConfiguration();
    // two executors of 768m plus Spark's 1g overhead (conf/spark-defaults.conf) and the AM's 640m, with
    // room for a replacement: the minicluster's own key, which overrides the NodeManager's (4 GB by default)
    conf.setInt(YarnConfiguration.YARN_MINICLUSTER_NM_PMEM_MB, 8192);
    conf.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 64);
    // ND4J's off-heap memory is the executors' business (Spark's overhead), not the NodeManager's
    conf.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, false);
    conf.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
    // a shared build machine's disk may be fuller than the 90% at which a NodeManager turns unhealthy
    conf.setFloat(YarnConfiguration.NM_MAX_PER_DISK_UTILIZATION_PERCENTAGE, 100f);
    // FIFO: one queue with everything (the default capacity scheduler needs a capacity-scheduler.xml,
    // which hadoop-client-minicluster lacks)
    conf.set(YarnConfiguration.RM_SCHEDULER, "org.apache.hadoop.yarn.server.resourcemanager.scheduler.fifo.FifoScheduler");
    yarn = new MiniYARNCluster("metaspark-yarn-it", 1, 1, 1);
    yarn.init(conf);
    yarn.start();
    // start() may return before the ResourceManager has put its real port in the configuration
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (yarn.getConfig().get(YarnConfiguration.RM_ADDRESS).endsWith(":0") && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    String rm = yarn.getConfig().get(YarnConfiguration.RM_ADDRESS);
    assertFalse(rm.endsWith(":0"), "the ResourceManager has a port: " + rm);
    hadoopConf = Files.createDirectories(dir.resolve("hadoop-conf"));
    try (OutputStream out = Files.newOutputStream(hadoopConf.resolve("yarn-site.xml"))) {
      yarn.getConfig().writeXml(out);
    }
  }

  @AfterAll
  static void stopYarn() {
    if (yarn != null) {
      yarn.stop();
    }
  }

  @Test
  void anExecutorContainerKilledMidRunCostsTimeNotCorrectness() throws Exception {
    Process driver = submit("yarn", trainArgs("yarn"));

    Path checkpoints = dir.resolve("runs/yarn/checkpoints");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(6);
    while (!CheckpointFiles.pastIteration(checkpoints, 15) && driver.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertTrue(driver.isAlive(), "still training when the container is killed: " + log("yarn"));
    List<ProcessHandle> executors = containerJvms("org.apache.spark.executor.YarnCoarseGrainedExecutorBackend");
    assertEquals(2, executors.size(), "both executors' container JVMs run: " + log("yarn"));
    executors.get(0).destroyForcibly();

    assertTrue(driver.waitFor(8, TimeUnit.MINUTES), "the submit finished: " + log("yarn"));
    String submitLog = log("yarn");
    assertEquals(0, driver.exitValue(), submitLog);
    assertTrue(submitLog.contains("Submitted application application_"), submitLog);
    // the driver heard of the loss from YARN (and carried on with the other executor and a new one)
    assertTrue(Pattern.compile("(?i)lost executor|container .* exited|marking container .* as failed")
        .matcher(submitLog).find(), submitLog);
    assertArrayEquals(params("reference"), params("yarn"), 0.0);
  }

  /** JVMs the NodeManager in this JVM launched in its containers, with {@code mainClass} in their command line. */
  private static List<ProcessHandle> containerJvms(String mainClass) {
    return ProcessHandle.current().descendants()
        .filter(p -> p.info().commandLine().map(c -> c.contains(mainClass)).orElse(false))
        .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false))
        .toList();
  }

  /**
   * {@code spark-submit --master yarn --deploy-mode client} of the shaded jar, as
   * deploy/cluster/submit.sh runs it: SparkSubmit by java on a Spark home's jars, plus Spark's YARN
   * client, with the cluster's yarn-site.xml on the classpath and in HADOOP_CONF_DIR (which Spark
   * ships to the containers). The containers get the same Spark jars straight from this disk
   * ({@code local:}), the shaded jar through YARN's staging directory like on any cluster.
   */
  private static Process submit(String name, List<String> metasparkArgs) throws Exception {
    String sparkHome = sparkHome();
    String sparkYarn = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(p -> new File(p).getName().startsWith("spark-yarn_")).findFirst().orElseThrow();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx1g"));
    command.addAll(jvmOptions());
    command.addAll(List.of("-cp", sparkHome + "/jars/*" + File.pathSeparator + sparkYarn + File.pathSeparator + hadoopConf,
        "org.apache.spark.deploy.SparkSubmit",
        "--master", "yarn", "--deploy-mode", "client",
        "--class", "io.metaspark.app.cli.MetasparkCli",
        "--properties-file", ROOT.resolve("conf/spark-defaults.conf").toString(),
        "--num-executors", "2", "--executor-cores", "1", "--executor-memory", "768m",
        "--conf", "spark.yarn.am.memory=256m",
        "--conf", "spark.yarn.jars=local:" + sparkHome + "/jars/*,local:" + sparkYarn,
        "--conf", "spark.yarn.stagingDir=" + dir.resolve("staging").toUri(),
        "--conf", "spark.yarn.maxAppAttempts=1",
        "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
        "--conf", "spark.ui.enabled=false",
        // training starts with both executors (else after 30 s with one): the kill then takes one of two
        "--conf", "spark.scheduler.minRegisteredResourcesRatio=1.0",
        "--conf", "spark.scheduler.maxRegisteredResourcesWaitingTime=300s",
        // the NodeManager starts containers with $JAVA_HOME/bin/java: this JVM's Java 17
        "--conf", "spark.yarn.appMasterEnv.JAVA_HOME=" + System.getProperty("java.home"),
        "--conf", "spark.executorEnv.JAVA_HOME=" + System.getProperty("java.home"),
        "--conf", "spark.yarn.appMasterEnv.SPARK_LOCAL_IP=127.0.0.1",
        "--conf", "spark.executorEnv.SPARK_LOCAL_IP=127.0.0.1",
        System.getProperty("metaspark.jar")));
    command.addAll(metasparkArgs);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(Files.createDirectories(LOGS).resolve(name + ".log").toFile());
    pb.environment().put("HADOOP_CONF_DIR", hadoopConf.toString());
    pb.environment().put("SPARK_HOME", sparkHome);
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().put("OMP_NUM_THREADS", "1");
    return pb.start();
  }

  /** The Spark home deploy/cluster/spark-home.sh assembles from Maven Central (once; then cached). */
  private static String sparkHome() throws Exception {
    Process p = new ProcessBuilder(ROOT.resolve("deploy/cluster/spark-home.sh").toString())
        .redirectError(Files.createDirectories(LOGS).resolve("spark-home.log").toFile()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertTrue(p.waitFor(15, TimeUnit.MINUTES), "spark-home.sh finished");
    assertEquals(0, p.exitValue(), "spark-home.sh: " + log("spark-home"));
    return out;
  }

  private static List<String> jvmOptions() throws IOException {
    return Files.readAllLines(ROOT.resolve("conf/jvm-options")).stream().map(String::trim)
        .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
  }

  private static String log(String name) throws IOException {
    Path p = LOGS.resolve(name + ".log");
    return Files.exists(p) ? Files.readString(p) : "(no log)";
  }

  private static double[] params(String name) throws IOException {
    return ModelSerializer.restoreMultiLayerNetwork(dir.resolve("runs/" + name + "/final/model.zip").toFile())
        .params().toDoubleVector();
  }
}
