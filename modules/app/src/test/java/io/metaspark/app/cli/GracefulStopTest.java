package io.metaspark.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.metaspark.app.testing.CliProcess;
import io.metaspark.app.testing.Console;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Preemption as YARN and Kubernetes do it: SIGTERM (or a user's Ctrl-C, SIGINT) to the driver in
 * the middle of training. The iteration in flight finishes, its state is checkpointed, the lock is
 * released, and the job says so in one line and exits 143 (130); the same command then resumes
 * from exactly that iteration and ends bit-identical to a run never interrupted.
 */
class GracefulStopTest {
  private static final int ITERATIONS = 300;
  private static double[] straight;

  @TempDir
  Path dir;

  private List<String> trainArgs(String name, String mode) {
    // no periodic checkpoint before the end: a checkpoint mid-run can only be the stop's own
    return List.of("train", "--config", new File("../../conf/sinusoid.conf").getAbsolutePath(), "--master", "local[2]",
        "--set", "run.dir=" + dir, "--set", "run.name=" + name, "--set", "train.iterations=" + ITERATIONS,
        "--set", "train.log-every=10", "--set", "checkpoint.every=100000", "--set", "evaluate.after-train=false",
        "--set", "validate.every=0", "--set", "train.meta-batch=4", "--set", "spark.mode=" + mode);
  }

  private double[] params(String name) throws IOException {
    return ModelSerializer.restoreMultiLayerNetwork(dir.resolve(name + "/final/model.zip").toFile())
        .params().toDoubleVector();
  }

  private double[] straight() throws IOException {
    if (straight == null) {
      assertEquals(0, MetasparkCli.run(trainArgs("straight", "barrier").toArray(String[]::new)));
      straight = params("straight");
    }
    return straight;
  }

  @Test
  void aSigtermCheckpointsTheIterationInFlightAndTheSameCommandRedoesNothing() throws Exception {
    stopAndResume("jobs", "TERM", 143);
  }

  /** In barrier mode every barrier task learns of the stop in the same round, after the same iteration. */
  @Test
  void aSigintInBarrierModeStopsEveryTaskAfterTheSameIteration() throws Exception {
    assumeFalse(sigintIgnoredHere(), "SIGINT is ignored in this JVM, and so in the job it starts, which then cannot be"
        + " interrupted with it: the build was started as a background job of a non-interactive shell or under nohup");
    stopAndResume("barrier", "INT", 130);
  }

  /**
   * A background job of a non-interactive shell starts with SIGINT ignored, and a signal ignored at
   * exec stays ignored in every process it starts; the JVM then refuses a handler for it.
   */
  private static boolean sigintIgnoredHere() throws IOException {
    Path status = Path.of("/proc/self/status");
    if (!Files.exists(status)) {
      return false;
    }
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("SigIgn:")) {
        // bit n - 1 stands for signal n; SIGINT is 2
        return (Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16) & 0b10) != 0;
      }
    }
    return false;
  }

  private void stopAndResume(String mode, String signal, int exitCode) throws Exception {
    double[] expected = straight();
    String name = "stopped-" + mode;
    Path log = dir.resolve(name + ".log");
    Process driver = CliProcess.start(trainArgs(name, mode), log);
    Path metrics = dir.resolve(name + "/metrics.jsonl");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (loggedPast(metrics) < 20 && driver.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertTrue(driver.isAlive(), "still training when signalled: " + Files.readString(log));
    CliProcess.signal(driver, signal);
    assertTrue(driver.waitFor(2, TimeUnit.MINUTES));
    String output = Files.readString(log);
    assertEquals(exitCode, driver.exitValue(), output);

    // one line says what happened; nothing else is an error, no stack trace
    assertEquals(1, output.lines().filter(l -> l.contains("interrupted")).count(), output);
    assertTrue(output.contains("metaspark: interrupted (SIG" + signal + "), resume with the same command"), output);
    assertFalse(output.contains("\tat ") || output.contains("Exception") || output.contains("failed"), output);
    Matcher stopped = Pattern.compile("stopped after (\\d+) iterations, checkpoint written").matcher(output);
    assertTrue(stopped.find(), output);
    long reached = Long.parseLong(stopped.group(1));
    assertTrue(reached > 20 && reached < ITERATIONS, "stopped mid-run: " + reached);
    assertFalse(Files.exists(dir.resolve(name + "/lock")), "the lock is released");
    try (var files = Files.list(dir.resolve(name + "/checkpoints"))) {
      assertEquals(List.of(String.format("ckpt-%012d.msck", reached)),
          files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".msck")).toList());
    }

    // the same command: resumes at the very iteration reached, so none is done twice
    String out = Console.out(() -> assertEquals(0, MetasparkCli.run(trainArgs(name, mode).toArray(String[]::new))));
    assertTrue(out.contains("from its checkpoint at iteration " + reached), out);
    assertTrue(out.contains("trained " + (ITERATIONS - reached) + " iterations"), out);
    assertArrayEquals(expected, params(name), 0.0);
  }

  /** Outside training (here an evaluation) there is nothing to finish: the job ends at once, in one line. */
  @Test
  void aSigtermOutsideTrainingEndsTheJobAtOnceInOneLine() throws Exception {
    straight();
    Path log = dir.resolve("evaluate.log");
    Process evaluate = CliProcess.start(List.of("evaluate", "--model", dir.resolve("straight/final").toString(),
        "--config", new File("../../conf/sinusoid.conf").getAbsolutePath(), "--master", "local[2]",
        "--set", "evaluate.tasks=200000", "--set", "evaluate.steps=[0, 1, 10]"), log);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (!Files.readString(log).contains("metaspark evaluate:") && evaluate.isAlive()
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    Thread.sleep(1500); // into the evaluation's Spark job
    assertTrue(evaluate.isAlive(), Files.readString(log));
    CliProcess.signal(evaluate, "TERM");
    assertTrue(evaluate.waitFor(1, TimeUnit.MINUTES));
    String output = Files.readString(log);
    assertEquals(143, evaluate.exitValue(), output);
    assertTrue(output.contains("metaspark: interrupted (SIGTERM), resume with the same command"), output);
    assertFalse(output.contains("\tat ") || output.contains("Exception") || output.contains("failed"), output);
  }

  /** The highest iteration metrics.jsonl has a record of, or -1. */
  private static long loggedPast(Path metrics) throws IOException {
    if (!Files.exists(metrics)) {
      return -1;
    }
    long last = -1;
    ObjectMapper json = new ObjectMapper();
    List<String> lines = new ArrayList<>(Files.readAllLines(metrics));
    for (String line : lines) {
      try {
        last = Math.max(last, json.readTree(line).path("iteration").asLong(-1));
      } catch (IOException e) {
        // a line being written
      }
    }
    return last;
  }
}
