package io.metaspark.app.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.app.cli.MetasparkCli;
import io.metaspark.app.testing.Console;
import io.metaspark.app.testing.SinusoidTraining;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Nightly-job behaviour through the real command line: resume, corrupt files, locks, divergence. */
class ResumeTest {
  @TempDir
  Path dir;

  private int train(String name, int iterations, String... extra) {
    return MetasparkCli.run(SinusoidTraining.args(dir, name, iterations, List.of("train.log-every=5",
        "checkpoint.every=4", "checkpoint.keep=2", "evaluate.after-train=false", "train.meta-batch=8"), extra));
  }

  private double[] finalParams(String name) throws IOException {
    MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(dir.resolve(name + "/final/model.zip").toFile());
    return net.params().toDoubleVector();
  }

  @Test
  void stoppingAndResumingGivesBitIdenticalParametersEvenPastDamagedCheckpoints() throws IOException {
    assertEquals(0, train("straight", 20));
    double[] straight = finalParams("straight");

    // 10 iterations, as if the job had stopped there (checkpoints at 4, 8 and the end, 10; two kept)
    assertEquals(0, train("resumed", 10));
    Path checkpoints = dir.resolve("resumed/checkpoints");
    // a crash in the middle of writing the next checkpoint leaves a partial temporary file ...
    Files.write(checkpoints.resolve(".ckpt-000000000012.msck.tmp"), new byte[] {'M', 'S', 'C', 'K', 0, 0});
    // ... and the newest checkpoint is cut short by damaged storage: resume must fall back to 8
    Path newest = checkpoints.resolve("ckpt-000000000010.msck");
    byte[] bytes = Files.readAllBytes(newest);
    Files.write(newest, Arrays.copyOf(bytes, bytes.length / 3));

    String log = Console.out(() -> assertEquals(0, train("resumed", 20)));
    assertTrue(log.contains("skipping a checkpoint that does not verify"), log);
    assertTrue(log.contains("resuming") && log.contains("at iteration 8"), log);
    assertArrayEquals(straight, finalParams("resumed"), 0.0);

    // metrics: one record per logged iteration, none duplicated by the redone iterations
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    List<Integer> iterations = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("resumed/metrics.jsonl"))) {
      iterations.add(json.readTree(line).get("iteration").asInt());
    }
    assertEquals(List.of(0, 5, 10, 15, 19), iterations);
  }

  @Test
  void aChangedConfigIsRefusedNamingTheKeysAndACompleteRunIsLeftAlone() throws IOException {
    assertEquals(0, train("run", 6));
    String err = Console.err(() -> assertEquals(2, train("run", 12, "--set", "algorithm.name=fomaml",
        "--set", "outer.lr=0.002")));
    assertTrue(err.contains("algorithm.name (maml -> fomaml)") && err.contains("outer.lr"), err);
    // what may change does not block a resume: more iterations, partitions, logging
    String out = Console.out(() -> assertEquals(0, train("run", 6, "--set", "spark.partitions=3")));
    assertTrue(out.contains("is complete (6 of 6 iterations)"), out);
    assertTrue(Console.err(() -> assertEquals(2, train("fresh", 6, "--resume"))).contains("no checkpoint"));
  }

  /**
   * Resume compares the network a config computes, not where its JSON came from: the same file
   * edited in place (ReLU to tanh) is refused by what changed, the same content under another path
   * resumes. A checkpoint from before this fingerprint (config text only) still resumes.
   */
  @Test
  void aModelJsonEditedInPlaceIsRefusedAndOneMovedResumes() throws IOException {
    Path json = dir.resolve("net.json");
    String relu = io.metaspark.core.model.MlpShorthand.parse("1-16-1").activation("relu")
        .dataType(org.nd4j.linalg.api.buffer.DataType.DOUBLE).seed(3).build().toJson();
    Files.writeString(json, relu);
    assertEquals(0, train("file", 4, "--set", "model.json-file=" + json));

    Files.writeString(json, relu.replace("ActivationReLU", "ActivationTanH"));
    String err = Console.err(() -> assertEquals(2, train("file", 8, "--set", "model.json-file=" + json)));
    assertTrue(err.contains("network configuration") && err.contains("ActivationReLU -> ")
        && err.contains("ActivationTanH"), err);
    assertTrue(err.lines().count() == 1, err);

    Path moved = Files.writeString(dir.resolve("moved.json"), relu);
    String out = Console.out(() -> assertEquals(0, train("file", 8, "--set", "model.json-file=" + moved)));
    assertTrue(out.contains("resuming") && out.contains("at iteration 4"), out);

    // a checkpoint whose config is the config text alone, as the previous metaspark wrote it
    Path newest = dir.resolve("file/checkpoints/ckpt-000000000008.msck");
    Checkpoint c = assertDoesNotThrowDecode(Files.readAllBytes(newest));
    String textOnly = com.typesafe.config.ConfigFactory.parseString(c.config()).withoutPath("resolved").root()
        .render(com.typesafe.config.ConfigRenderOptions.concise().setJson(false));
    assertFalse(textOnly.contains("resolved"));
    Files.write(newest, CheckpointFormat.encode(new Checkpoint(c.state(), textOnly)));
    String older = Console.out(() -> assertEquals(0, train("file", 10, "--set", "model.json-file=" + moved)));
    assertTrue(older.contains("at iteration 8"), older);
  }

  @Test
  void aSecondJobOnALockedRunIsRefusedWithExitCodeFive() throws IOException {
    Path run = Files.createDirectories(dir.resolve("busy"));
    // a live holder: this very process
    Files.writeString(run.resolve("lock"), "{\"host\":\"" + java.net.InetAddress.getLocalHost().getHostName()
        + "\",\"pid\":" + ProcessHandle.current().pid() + ",\"started\":\"2026-01-01T00:00:00Z\",\"heartbeat\":\""
        + java.time.Instant.now() + "\"}");
    String err = Console.err(() -> assertEquals(5, train("busy", 4)));
    assertTrue(err.contains("being written by another job") && err.contains("pid " + ProcessHandle.current().pid()), err);
    assertFalse(Files.exists(run.resolve("final")));

    // a dead holder on this host: the lock is stale and taken over
    Process dead = new ProcessBuilder("true").start();
    dead.onExit().join();
    Files.writeString(run.resolve("lock"), "{\"host\":\"" + java.net.InetAddress.getLocalHost().getHostName()
        + "\",\"pid\":" + dead.pid() + ",\"started\":\"2026-01-01T00:00:00Z\",\"heartbeat\":\"" + java.time.Instant.now() + "\"}");
    assertEquals(0, train("busy", 4));
    assertFalse(Files.exists(run.resolve("lock")), "released at the end");
  }

  /** An inner step of 1e30 blows up every task from the start: no update is applied, so no state proves good. */
  @Test
  void divergenceFromTheStartStopsWithExitCodeFourAndCheckpointsNothing() throws IOException {
    String err = Console.err(() -> assertEquals(4, train("nan", 30, "--set", "algorithm.inner-lr=1e30",
        "--set", "train.max-skipped-updates=3", "--set", "checkpoint.every=1")));
    assertTrue(err.contains("diverged") && err.contains("the last at iteration 2")
        && err.contains("non-finite"), err);
    File[] kept = dir.resolve("nan/checkpoints").toFile().listFiles((d, n) -> n.endsWith(".msck"));
    assertEquals(0, kept == null ? 0 : kept.length, Arrays.toString(kept));
  }

  /**
   * Plain SGD at 0.6 blows the sinusoid network up (at 0.3 it blew up only while second-order MAML
   * used central differences, whose spikes did it): the parameters grow by orders of magnitude per
   * iteration while the meta-gradient stays finite, until it no longer is. No blown-up state may be
   * checkpointed, nor a good checkpoint rotated out by one: every kept checkpoint is a state whose
   * next update was applied, so the same command run again resumes from it, trains again up to the
   * same point and stops there (the run is deterministic), instead of stopping at once.
   */
  @Test
  void aBlownUpStateIsNeverCheckpointedAndARerunResumesFromTheLastGoodOne() throws IOException {
    // DL4J's init and float parameters: this diverges within 20 iterations (fan-in-uniform in double does not)
    String[] blowUp = {"--set", "outer.optimizer=sgd", "--set", "outer.lr=0.6", "--set", "checkpoint.every=2",
        "--set", "checkpoint.keep=3", "--set", "train.log-every=1000", "--set", "model.init=dl4j",
        "--set", "model.data-type=float", "--set", "train.meta-batch=25"};
    String err = Console.err(() -> assertEquals(4, train("sgd", 200, blowUp)));
    java.util.regex.Matcher last = java.util.regex.Pattern.compile("the last at iteration (\\d+)").matcher(err);
    assertTrue(last.find(), err);
    long diverged = Long.parseLong(last.group(1));
    long streak = diverged - 4; // train.max-skipped-updates = 5 in a row

    // every skipped update is on record, with its reason (logged iterations are every 1000th only)
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    List<Long> skipped = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("sgd/metrics.jsonl"))) {
      var record = json.readTree(line);
      if (record.path("skipped_update").asBoolean()) {
        skipped.add(record.get("iteration").asLong());
        assertTrue(record.get("skip_reason").asText().length() > 0, line);
      }
    }
    assertTrue(skipped.containsAll(java.util.stream.LongStream.rangeClosed(streak, diverged).boxed().toList()),
        skipped.toString());

    File[] kept = dir.resolve("sgd/checkpoints").toFile().listFiles((d, n) -> n.endsWith(".msck"));
    assertTrue(kept != null && kept.length == 3, Arrays.toString(kept));
    for (File f : kept) {
      Checkpoint c = assertDoesNotThrowDecode(Files.readAllBytes(f.toPath()));
      assertTrue(!skipped.contains(c.nextIteration()) && c.nextIteration() < streak,
          f.getName() + ": the update from it was skipped, or it is in the run of skipped updates " + skipped);
      assertTrue(Arrays.stream(c.state().params()).allMatch(p -> Math.abs(p) < 1e6), f.getName());
    }

    String again = Console.err(() -> {
      String out = Console.out(() -> assertEquals(4, train("sgd", 200, blowUp)));
      assertTrue(out.contains("resuming"), out);
    });
    assertTrue(again.contains("the last at iteration " + diverged), "trained again up to the same point: " + again);
  }

  private static Checkpoint assertDoesNotThrowDecode(byte[] bytes) {
    try {
      return CheckpointFormat.decode(bytes);
    } catch (CheckpointFormat.CorruptCheckpointException e) {
      throw new AssertionError(e);
    }
  }
}
