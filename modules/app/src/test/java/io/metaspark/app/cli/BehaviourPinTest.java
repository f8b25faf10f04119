package io.metaspark.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.metaspark.app.run.CheckpointStore;
import io.metaspark.app.run.RunDirectory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's runs, shortened, pinned to the parameters they gave when the pins were recorded
 * (commit "BehaviourPinTest", right after the exact Hessian-vector products; Omniglot's again when
 * its first convolution moved to Java and when its convolutions moved to oneDNN's primitives, the
 * earlier pins kept for the earlier routes): a refactoring
 * must give the same parameters, bit for bit. The SHA-256 is over the final checkpoint's parameters
 * as IEEE-754 doubles.
 *
 * <p>The sinusoid and table networks run in Java doubles, the same on every CPU. Omniglot's conv4
 * runs its float convolutions in oneDNN, whose kernels (and so summation orders) depend on the
 * CPU's instruction set: that pin holds on the kind of CPU it was recorded on, and elsewhere the
 * run is only checked to be repeatable.
 */
class BehaviourPinTest {
  private static final Path OMNIGLOT = Path.of("../../../shared/data/omniglot").toAbsolutePath().normalize();
  private static final String PINNED_CPU = "AMD EPYC avx512f";

  @TempDir
  Path dir;

  @Test
  void theSinusoidRunGivesThePinnedParameters() throws IOException {
    assertEquals("cff9f51e325ffa5a0996b5d7f1ee36ad201f4c2c426404dbd1e52022a485fa19", hash(train("sinusoid", "../../conf/sinusoid.conf", 300)));
  }

  @Test
  void theTableRunGivesThePinnedParameters() throws IOException {
    assertEquals("368730a729fa1c3dee89f138e88f84da09a2f9b9e4e278c0be87b0859ec21b01", hash(train("table", "../../conf/table-example.conf", 100,
        "--set", "tasks.table.location=../../src-test-data/tables/regression.parquet")));
  }

  @Test
  void theOmniglotSmallRunGivesThePinnedParametersOnThePinnedCpu() throws IOException {
    assertOmniglotSmallPinned("8666dd4d61b64e22922b40904bf3b11e9c4019ecc64efefe7fc16cd665ba1290");
  }

  /**
   * The pin recorded before the convolutions moved to oneDNN's own primitives
   * ({@code OneDnnConvolutionStage}): {@code model.learner = libnd4j} reproduces those runs bit for bit.
   */
  @Test
  void withLibnd4jTheOmniglotSmallRunGivesTheEarlierPin() throws IOException {
    assertOmniglotSmallPinned("ab9774e51d62453038f47ce6086fd55714b337d3eaa30e023ddce1f6cc72afe9",
        "--set", "model.learner=libnd4j");
  }

  /**
   * The pin recorded before the first convolution ran in Java ({@code FirstConvolutionStage}):
   * {@code model.learner = native-convolutions} reproduces those runs bit for bit.
   */
  @Test
  void withNativeConvolutionsTheOmniglotSmallRunGivesTheEarlierPin() throws IOException {
    assertOmniglotSmallPinned("8362fb704884ce9a7e7f01d525f28d07233de2c4404c844b694c84712d99baa1",
        "--set", "model.learner=native-convolutions");
  }

  private void assertOmniglotSmallPinned(String pin, String... extra) throws IOException {
    assumeTrue(Files.isDirectory(OMNIGLOT), "no Omniglot data at " + OMNIGLOT + " (see the README): skipped");
    List<String> args = new ArrayList<>(List.of("--set", "tasks.images.locations=[\"" + OMNIGLOT.resolve("images_background.zip")
        + "\",\"" + OMNIGLOT.resolve("images_evaluation.zip") + "\"]"));
    args.addAll(Arrays.asList(extra));
    String[] settings = args.toArray(String[]::new);
    String first = hash(train("omniglot", "../../conf/omniglot-small.conf", 20, settings));
    if (cpu().equals(PINNED_CPU)) {
      assertEquals(pin, first);
    } else {
      assertEquals(first, hash(train("omniglot-again", "../../conf/omniglot-small.conf", 20, settings)),
          "repeatable on " + cpu() + " (the pin was recorded on " + PINNED_CPU + ")");
    }
  }

  private double[] train(String name, String config, int iterations, String... extra) throws IOException {
    List<String> args = new ArrayList<>(List.of("train", "--config", config, "--master", "local[2]",
        "--set", "run.dir=" + dir, "--set", "run.name=" + name, "--set", "train.iterations=" + iterations,
        "--set", "evaluate.after-train=false", "--set", "validate.every=0"));
    args.addAll(Arrays.asList(extra));
    assertEquals(0, MetasparkCli.run(args.toArray(String[]::new)));
    RunDirectory run = RunDirectory.open(dir.resolve(name).toString(), new org.apache.hadoop.conf.Configuration());
    CheckpointStore store = new CheckpointStore(run.child(RunDirectory.CHECKPOINTS), 1);
    return store.newestValid(skipped -> {}).orElseThrow().state().params();
  }

  private static String hash(double[] params) {
    ByteBuffer bytes = ByteBuffer.allocate(8 * params.length);
    for (double p : params) {
      bytes.putDouble(p);
    }
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.array()));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** The CPU's model name and whether it has AVX-512, which decide oneDNN's kernels. */
  private static String cpu() throws IOException {
    List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
    String model = lines.stream().filter(l -> l.startsWith("model name")).findFirst().map(l -> l.split(":", 2)[1].trim())
        .orElse("unknown");
    boolean avx512 = lines.stream().anyMatch(l -> l.startsWith("flags") && l.contains(" avx512f"));
    return model + (avx512 ? " avx512f" : "");
  }
}
