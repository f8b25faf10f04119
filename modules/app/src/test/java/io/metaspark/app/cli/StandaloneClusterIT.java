package io.metaspark.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.app.testing.CheckpointFiles;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Spark standalone cluster on 127.0.0.1 (deploy/cluster: a master and two workers from
 * Maven Central jars), the shaded jar submitted to it in client mode. Barrier mode runs on it
 * first, then a jobs-mode run loses one worker in the middle of training (its JVM and its executor
 * killed with SIGKILL) and goes on with one executor. Both end bit-identical to the same config run
 * in-process on local[2].
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterIT {
  private static final Path DEPLOY = Path.of("../../deploy/cluster").toAbsolutePath().normalize();

  @TempDir
  static Path dir;
  private static Map<String, String> env;

  private static List<String> trainArgs(String name) {
    return List.of("train", "--config", new File("../../conf/sinusoid.conf").getAbsolutePath(),
        "--set", "run.dir=" + dir.resolve("runs"), "--set", "run.name=" + name, "--set", "train.iterations=60",
        "--set", "train.meta-batch=10", "--set", "train.log-every=10", "--set", "checkpoint.every=5",
        "--set", "spark.partitions=2", "--set", "evaluate.after-train=false", "--set", "validate.every=0");
  }

  @BeforeAll
  static void referenceRunAndCluster() throws Exception {
    List<String> reference = new ArrayList<>(trainArgs("reference"));
    reference.addAll(List.of("--master", "local[2]"));
    assertEquals(0, MetasparkCli.run(reference.toArray(String[]::new)));

    env = Map.of(
        "METASPARK_CLUSTER_DIR", dir.resolve("cluster").toString(),
        "METASPARK_MASTER_PORT", String.valueOf(freePort()),
        "METASPARK_MASTER_UI_PORT", String.valueOf(freePort()),
        "METASPARK_JAR", System.getProperty("metaspark.jar"));
    assertEquals(0, run("start", DEPLOY.resolve("start.sh").toString(), "-w", "2", "-c", "1", "-m", "1g")
        .waitFor(), "start.sh: " + log("start"));
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (env != null) {
      run("stop", DEPLOY.resolve("stop.sh").toString()).waitFor(2, TimeUnit.MINUTES);
    }
  }

  /** Partial sums cross executor JVMs through the driver's relay; the driver is a submitted client. */
  @Test
  @Order(1)
  void barrierModeOnTheClusterEqualsLocal() throws Exception {
    List<String> submit = new ArrayList<>(List.of(DEPLOY.resolve("submit.sh").toString(), "--"));
    submit.addAll(trainArgs("barrier"));
    submit.addAll(List.of("--set", "spark.mode=barrier"));
    Process driver = run("submit-barrier", submit.toArray(String[]::new));
    assertTrue(driver.waitFor(4, TimeUnit.MINUTES), "the submit finished: " + log("submit-barrier"));
    assertEquals(0, driver.exitValue(), log("submit-barrier"));
    assertTrue(log("submit-barrier").contains("mode barrier"), log("submit-barrier"));
    assertArrayEquals(params("reference"), params("barrier"), 0.0);
  }

  @Test
  @Order(2)
  void aWorkerLostMidRunCostsTimeNotCorrectness() throws Exception {
    List<String> submit = new ArrayList<>(List.of(DEPLOY.resolve("submit.sh").toString(), "--"));
    submit.addAll(trainArgs("cluster"));
    Process driver = run("submit", submit.toArray(String[]::new));

    Path checkpoints = dir.resolve("runs/cluster/checkpoints");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
    while (!CheckpointFiles.pastIteration(checkpoints, 15) && driver.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertTrue(driver.isAlive(), "still training when the worker is lost: " + log("submit"));
    long worker = Long.parseLong(Files.readString(dir.resolve("cluster/worker-2.pid")).trim());
    ProcessHandle handle = ProcessHandle.of(worker).orElseThrow();
    handle.descendants().forEach(ProcessHandle::destroyForcibly);
    handle.destroyForcibly();

    assertTrue(driver.waitFor(5, TimeUnit.MINUTES), "the submit finished: " + log("submit"));
    assertEquals(0, driver.exitValue(), log("submit"));
    String submitLog = log("submit");
    assertTrue(submitLog.contains("Granted executor ID") || submitLog.contains("Registered executor"), submitLog);
    // the driver noticed the loss (and carried on with the other executor)
    assertTrue(java.util.regex.Pattern.compile("(?i)lost executor|executor .* (removed|lost)|worker .* removed")
        .matcher(submitLog).find(), submitLog);
    assertArrayEquals(params("reference"), params("cluster"), 0.0);
  }

  private static Process run(String name, String... command) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".log").toFile());
    pb.environment().putAll(env);
    return pb.start();
  }

  private static String log(String name) throws IOException {
    Path p = dir.resolve(name + ".log");
    return Files.exists(p) ? Files.readString(p) : "(no log)";
  }

  private static double[] params(String name) throws IOException {
    return ModelSerializer.restoreMultiLayerNetwork(dir.resolve("runs/" + name + "/final/model.zip").toFile())
        .params().toDoubleVector();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
