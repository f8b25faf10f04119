package io.metaspark.app.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.app.cli.MetasparkCli;
import io.metaspark.app.testing.Console;
import io.metaspark.app.testing.SinusoidTraining;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Checkpoints written by the code before optimizers became composable transformations (format
 * version 1, committed under src-test-data/checkpoints/, see its README) resume under today's code
 * bit for bit: 5 iterations from the old checkpoint end where the old code's uninterrupted run
 * ended, and where today's code's uninterrupted run ends.
 */
class VersionOneCheckpointTest {
  private static final Path FIXTURES = Path.of("../../src-test-data/checkpoints").toAbsolutePath().normalize();

  @TempDir
  Path dir;

  @ParameterizedTest
  @CsvSource({"v1-adam, maml, adam, 0.001", "v1-sgd, reptile, sgd, 0.1"})
  void resumesBitForBitWhereTheOldCodesUninterruptedRunEnded(String name, String algorithm, String optimizer,
      String lr) throws Exception {
    Path fixture = FIXTURES.resolve(name);
    byte[] afterFive = Files.readAllBytes(fixture.resolve("ckpt-000000000005.msck"));
    assertEquals(1, ByteBuffer.wrap(afterFive, 4, 4).getInt(), "the committed checkpoint is of format version 1");
    Checkpoint oldEnd = CheckpointFormat.decode(Files.readAllBytes(fixture.resolve("ckpt-000000000010.msck")));

    Path resumed = Files.createDirectories(dir.resolve("resumed/" + name + "/checkpoints"));
    Files.write(resumed.resolve("ckpt-000000000005.msck"), afterFive);
    String log = Console.out(() -> assertEquals(0, train(dir.resolve("resumed"), name, algorithm, optimizer, lr)));
    assertTrue(log.contains("resuming") && log.contains("at iteration 5"), log);
    Checkpoint resumedEnd = newest(dir.resolve("resumed"), name);

    assertEquals(0, train(dir.resolve("straight"), name, algorithm, optimizer, lr));
    Checkpoint straightEnd = newest(dir.resolve("straight"), name);

    for (Checkpoint end : List.of(resumedEnd, straightEnd)) {
      assertEquals(10, end.nextIteration());
      assertArrayEquals(oldEnd.state().params(), end.state().params(), 0.0);
      assertEquals(oldEnd.state().optimizerState(), end.state().optimizerState());
    }
  }

  /** The command the committed checkpoints were written with (src-test-data/README.md), in {@code runDir}. */
  private static int train(Path runDir, String name, String algorithm, String optimizer, String lr) {
    return MetasparkCli.run(SinusoidTraining.args(runDir, name, 10, List.of("train.meta-batch=8", "train.log-every=5",
        "checkpoint.every=5", "checkpoint.keep=5", "evaluate.after-train=false", "validate.every=0",
        "algorithm.name=" + algorithm, "outer.optimizer=" + optimizer, "outer.lr=" + lr)));
  }

  private static Checkpoint newest(Path runDir, String name) throws IOException {
    RunDirectory run = RunDirectory.open(runDir.resolve(name).toString(), new org.apache.hadoop.conf.Configuration());
    return new CheckpointStore(run.child(RunDirectory.CHECKPOINTS), 1).newestValid(skipped -> {}).orElseThrow();
  }
}
