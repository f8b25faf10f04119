package io.metaspark.app.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.core.optim.Adam;
import io.metaspark.core.optim.OptimizerState;
import io.metaspark.core.optim.Sgd;
import io.metaspark.spark.TrainingState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {
  @TempDir
  Path dir;

  private CheckpointStore store;
  private final List<String> skipped = new ArrayList<>();

  @BeforeEach
  void open() throws IOException {
    store = new CheckpointStore(RunDirectory.open(dir.toString(), new Configuration()), 3);
  }

  private static Checkpoint adamAt(long next) {
    double[] params = {1.5, -0.0, Double.MIN_VALUE, Math.PI * next};
    double[] m = {0.1, 0.2, 0.3, Double.NaN};
    double[] v = {1e-300, 2, 3, 4};
    return new Checkpoint(new TrainingState(next, params, Adam.state(next, m, v)), "train.iterations = 9\n");
  }

  @Test
  void aCheckpointReadsBackBitForBit() throws IOException {
    Checkpoint written = adamAt(7);
    store.write(written);
    Checkpoint read = store.newestValid(skipped::add).orElseThrow();
    assertEquals(7, read.nextIteration());
    assertBitsEqual(written.state().params(), read.state().params());
    OptimizerState a = read.state().optimizerState();
    assertEquals(7, a.counter("count"));
    assertBitsEqual(written.state().optimizerState().array("mu"), a.array("mu"));
    assertBitsEqual(written.state().optimizerState().array("nu"), a.array("nu"));
    assertEquals(written.config(), read.config());
    assertTrue(skipped.isEmpty());

    store.write(new Checkpoint(new TrainingState(8, new double[] {2}, Sgd.state(8)), "x = 1"));
    assertEquals(Sgd.state(8), store.newestValid(skipped::add).orElseThrow().state().optimizerState());

    // a composed optimizer's state, a tree of any shape, reads back as it was
    OptimizerState chain = OptimizerState.of("chain").child(OptimizerState.of("clip_by_global_norm").build())
        .child(Adam.state(9, new double[] {Double.NaN, -0.0}, new double[] {1e-300, 4}))
        .child(OptimizerState.of("scale_by_schedule").counter("count", 9).build()).build();
    store.write(new Checkpoint(new TrainingState(9, new double[] {3, 4}, chain), "y = 2"));
    assertEquals(chain, store.newestValid(skipped::add).orElseThrow().state().optimizerState());
  }

  @Test
  void onlyTheNewestKeepAreKept() throws IOException {
    for (long i = 1; i <= 5; i++) {
      store.write(adamAt(i * 10));
    }
    assertEquals(List.of("ckpt-000000000050.msck", "ckpt-000000000040.msck", "ckpt-000000000030.msck"),
        store.checkpointsNewestFirst().stream().map(org.apache.hadoop.fs.Path::getName).toList());
  }

  @Test
  void aTruncatedOrCorruptNewestIsReportedAndSkippedForThePreviousOne() throws IOException {
    store.write(adamAt(10));
    store.write(adamAt(20));
    store.write(adamAt(30));
    Path c30 = dir.resolve("ckpt-000000000030.msck");
    Path c20 = dir.resolve("ckpt-000000000020.msck");
    byte[] whole = Files.readAllBytes(c30);
    // a crash in the middle of a write: the half-written temporary file stays behind
    Files.write(dir.resolve(".ckpt-000000000040.msck.tmp"), java.util.Arrays.copyOf(whole, whole.length / 2));
    // and storage damage: the newest cut short, the one before with one bit flipped
    Files.write(c30, java.util.Arrays.copyOf(whole, whole.length - 5));
    byte[] flipped = Files.readAllBytes(c20);
    flipped[40] ^= 1;
    Files.write(c20, flipped);

    Checkpoint read = store.newestValid(skipped::add).orElseThrow();
    assertEquals(10, read.nextIteration());
    assertEquals(2, skipped.size(), skipped.toString());
    assertTrue(skipped.get(0).contains("ckpt-000000000030.msck") && skipped.get(0).toLowerCase().contains("checksum"), skipped.get(0));
    assertTrue(skipped.get(1).contains("ckpt-000000000020.msck"), skipped.get(1));
  }

  @Test
  void foreignOrMisnamedFilesAreNotTrusted() throws IOException {
    store.write(adamAt(10));
    Files.writeString(dir.resolve("ckpt-000000000099.msck"), "rO0ABXNy: not ours");
    Files.copy(dir.resolve("ckpt-000000000010.msck"), dir.resolve("ckpt-000000000050.msck"));
    assertEquals(10, store.newestValid(skipped::add).orElseThrow().nextIteration());
    assertTrue(skipped.get(0).contains("not a metaspark checkpoint"), skipped.get(0));
    assertTrue(skipped.get(1).contains("holds iteration 10 but is named for 50"), skipped.get(1));
  }

  private static void assertBitsEqual(double[] expected, double[] actual) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(actual[i]), "entry " + i);
    }
  }
}
