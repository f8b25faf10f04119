package io.metaspark.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.app.testing.CheckpointFiles;
import io.metaspark.app.testing.CliProcess;
import io.metaspark.app.testing.Console;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nightly job's worst night: the driver JVM is killed (kill -9) in the middle of training, and
 * the scheduler re-runs the same command. It must resume from the last checkpoint, take over the
 * dead driver's lock, and end bit-identical to a run that was never interrupted.
 */
class DriverKillTest {
  private static final int ITERATIONS = 60;

  @TempDir
  Path dir;

  private List<String> trainArgs(String name) {
    return List.of("train", "--config", new File("../../conf/sinusoid.conf").getAbsolutePath(), "--master", "local[2]",
        "--set", "run.dir=" + dir, "--set", "run.name=" + name, "--set", "train.iterations=" + ITERATIONS,
        "--set", "train.log-every=10", "--set", "checkpoint.every=5", "--set", "evaluate.after-train=false",
        "--set", "train.meta-batch=10");
  }

  @Test
  void aKilledDriverResumesFromItsLastCheckpointAndEndsBitIdentical() throws Exception {
    assertEquals(0, MetasparkCli.run(trainArgs("straight").toArray(String[]::new)));

    // the same command in a JVM of its own, killed once it has written a checkpoint past iteration 10
    Process driver = CliProcess.start(trainArgs("killed"), dir.resolve("killed-driver.log"));
    Path checkpoints = dir.resolve("killed/checkpoints");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (!CheckpointFiles.pastIteration(checkpoints, 10) && driver.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(driver.isAlive(), "the driver was still training: " + Files.readString(dir.resolve("killed-driver.log")));
    driver.destroyForcibly().waitFor();
    assertTrue(Files.exists(dir.resolve("killed/lock")), "a killed driver leaves its lock behind");
    assertTrue(!Files.exists(dir.resolve("killed/final")), "it was killed before the end");

    String out = Console.out(() -> assertEquals(0, MetasparkCli.run(trainArgs("killed").toArray(String[]::new))));
    assertTrue(out.contains("resuming"), out);
    assertArrayEquals(params("straight"), params("killed"), 0.0);
  }

  private double[] params(String name) throws IOException {
    return ModelSerializer.restoreMultiLayerNetwork(dir.resolve(name + "/final/model.zip").toFile())
        .params().toDoubleVector();
  }
}
