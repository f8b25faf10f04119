package io.metaspark.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.algo.FirstOrderMaml;
import io.metaspark.core.algo.MetaAlgorithm;
import io.metaspark.core.algo.ScalarSgd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

/**
 * Spark's local-cluster mode: a real master and worker in this JVM launch two executor JVMs, so
 * tasks, broadcasts and results cross process boundaries (Kryo, closures) as on a cluster.
 */
class ExecutorJvmTest {
  private static final int ITERATIONS = 8;

  private JavaSparkContext startCluster() throws IOException {
    return startCluster(true);
  }

  /** @param waitForExecutors whether the context waits for both executors before it is returned */
  private JavaSparkContext startCluster(boolean waitForExecutors) throws IOException {
    // the worker builds executor command lines from SPARK_HOME (set by the build to a directory
    // under target/); an empty jars/ is enough when executors get this JVM's classpath instead
    String home = System.getenv("SPARK_HOME");
    assertTrue(home != null, "the build sets SPARK_HOME for tests");
    Files.createDirectories(Path.of(home, "jars"));
    SparkConf conf = SparkSetup.withDefaults(new SparkConf()
        .setMaster("local-cluster[2,1,1024]")
        .setAppName("metaspark-executor-jvms")
        .set("spark.executor.extraClassPath", System.getProperty("java.class.path"))
        .set("spark.executorEnv.OMP_NUM_THREADS", "1")
        .set("spark.executorEnv.SPARK_LOCAL_IP", "127.0.0.1")
        .set("spark.ui.enabled", "false")
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.scheduler.maxRegisteredResourcesWaitingTime", "120s"));
    if (waitForExecutors) {
      conf.set("spark.scheduler.minRegisteredResourcesRatio", "1.0");
    }
    return new JavaSparkContext(conf);
  }

  /** The reference: the plan in jobs mode, with one task slot in this JVM. */
  private static double[] inOneJvm(TrainingPlan plan) {
    try (JavaSparkContext sc = LocalSpark.start("local[1]")) {
      return SinusoidPlans.train(sc, plan);
    }
  }

  @Test
  void tasksRunInOtherJvmsAndAKilledExecutorChangesNothing() throws Exception {
    TrainingPlan plan = SinusoidPlans.plan("maml", ITERATIONS, 10, 4);
    double[] reference = inOneJvm(plan);

    try (JavaSparkContext sc = startCluster()) {
      long driver = ProcessHandle.current().pid();
      List<Long> pids = sc.parallelize(List.of(1, 2, 3, 4, 5, 6, 7, 8), 8)
          .map(i -> ProcessHandle.current().pid()).collect();
      Set<Long> executors = new HashSet<>(pids);
      assertEquals(2, executors.size(), "two executor JVMs: " + executors);
      assertFalse(executors.contains(driver), "no task ran in the driver's JVM");

      // a fault-free run across the two executor JVMs equals local[1], bit for bit
      double[] twoJvms = SinusoidPlans.train(sc, plan);
      assertArrayEquals(reference, twoJvms);

      // kill -9 one executor JVM while iteration 3's job runs: Spark reruns its tasks elsewhere
      long victim = executors.iterator().next();
      AtomicLong killedAt = new AtomicLong(-1);
      double[] withKill = new SparkMetaTrainer(sc, plan).train(SinusoidPlans.start(plan), (report, state) -> {
        if (report.iteration() == 2) {
          Thread killer = new Thread(() -> {
            ProcessHandle.of(victim).ifPresent(ProcessHandle::destroyForcibly);
            killedAt.set(report.iteration() + 1);
          });
          killer.start();
        }
      }).params();
      assertTrue(killedAt.get() >= 0, "the executor was killed");
      assertFalse(ProcessHandle.of(victim).map(ProcessHandle::isAlive).orElse(false), "executor " + victim + " is gone");
      assertArrayEquals(reference, withKill);
    }
  }

  /**
   * oneDNN's convolutions in executor JVMs of their own: its natives load there from the classpath,
   * and first-order MAML on conv4 (16 filters, blocked layouts) gives local[1]'s bits.
   */
  @Test
  void convolutionsInExecutorJvmsEqualOneJvm() throws Exception {
    MetaAlgorithm fomaml = new FirstOrderMaml(new Adaptation(new ScalarSgd(0.4), 1));
    double[] start = fomaml.init(ImageDeterminismTest.MODEL.initialParams());
    double[] reference;
    try (JavaSparkContext sc = LocalSpark.start("local[1]")) {
      reference = ImageDeterminismTest.train(sc, 1, start, ImageDeterminismTest.MODEL, fomaml);
    }
    assertFalse(Arrays.equals(start, reference), "training moved the parameters");
    try (JavaSparkContext sc = startCluster()) {
      assertArrayEquals(reference, ImageDeterminismTest.train(sc, 2, start, ImageDeterminismTest.MODEL, fomaml));
    }
  }

  /**
   * Barrier mode across executor JVMs: partial sums travel between processes through the driver's
   * relay, and the run equals local[1] in jobs mode bit for bit. It starts the moment the context
   * exists, before the executors have registered, as a job submitted on a real cluster does.
   */
  @Test
  void barrierModeAcrossExecutorJvmsEqualsJobsModeInOneJvm() throws Exception {
    TrainingPlan plan = SinusoidPlans.plan("maml", ITERATIONS, 10, 2);
    double[] reference = inOneJvm(plan);
    try (JavaSparkContext sc = startCluster(false)) {
      TrainingPlan barrier = plan.toBuilder().mode(ExecutionMode.BARRIER).build();
      double[] twoJvms = SinusoidPlans.train(sc, barrier);
      assertArrayEquals(reference, twoJvms);
      long driver = ProcessHandle.current().pid();
      List<Long> pids = sc.parallelize(List.of(1, 2, 3, 4), 4).map(i -> ProcessHandle.current().pid()).collect();
      assertFalse(pids.contains(driver), "no task ran in the driver's JVM");
    }
  }
}
