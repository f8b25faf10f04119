package io.metaspark.app.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.app.cli.MetasparkCli;
import io.metaspark.app.testing.Console;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench cost-model} end to end on a small TSV: fit, held-out check, forecast table and plot. */
class CostModelCommandTest {
  @Test
  void fitsChecksAndForecastsFromAFile(@TempDir Path dir) throws Exception {
    Path tsv = dir.resolve("costs.tsv");
    write(tsv, CostModelTest.runs(CostModelTest.known(), List.of(1, 2, 4, 8, 16, 32, 64), 0, 1));
    Path png = dir.resolve("docs/cost-model.png");
    int[] code = new int[1];
    String out = Console.out(() -> code[0] = MetasparkCli.run("bench", "cost-model", "--costs", tsv.toString(),
        "--hold-out", "partitions=32;master=local-cluster[4,1,1024]", "--executors", "64", "--plot", png.toString()));
    assertEquals(0, code[0], out);
    assertTrue(out.contains("## Held out: fitted on"), out);
    // the synthetic runs are the model's own: held out or not, it predicts them exactly
    String line = out.lines().filter(l -> l.startsWith("| partitions=32 | 1,000,000 | aggregate | 5 | ")).findFirst()
        .orElseThrow(() -> new AssertionError("no held-out summary of the 1M aggregate runs: " + out));
    assertTrue(line.endsWith("| 0% | 0% |"), line);
    assertTrue(out.contains("| local-cluster[4,1,1024] | 64 | 1000000 | aggregate |"), out);
    assertTrue(out.contains("| Omniglot conv4 stride, MAML (meta-batch 32) | 64 | 32 (0) |"), out);
    assertTrue(out.contains("10M-parameter network"), out);
    byte[] magic = Arrays.copyOf(Files.readAllBytes(png), 4);
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, magic);
  }

  @Test
  void aBadFileIsBadDataAndABadRuleBadUsage(@TempDir Path dir) throws Exception {
    Path tsv = dir.resolve("costs.tsv");
    Files.writeString(tsv, CostRunsFile.HEADER + "\nlocal[2]\t1\t2000\tschedule\tslow\t1\t2\n");
    String err = Console.err(() -> assertEquals(3, MetasparkCli.run("bench", "cost-model", "--costs", tsv.toString())));
    assertTrue(err.contains(tsv + ":2: median_ms 'slow'"), err);
    write(tsv, CostModelTest.runs(CostModelTest.known(), List.of(1, 2, 4), 0, 1));
    assertEquals(2, MetasparkCli.run("bench", "cost-model", "--costs", tsv.toString(), "--hold-out", "cores=2"));
    assertEquals(2, MetasparkCli.run("bench", "cost-model", "--costs", tsv.toString(), "--tree-depth", "0"));
    err = Console.err(() -> assertEquals(3, MetasparkCli.run("bench", "cost-model", "--costs", tsv.toString(),
        "--hold-out", "partitions=64")));
    assertTrue(err.contains("no run matches --hold-out [partitions=64]"), err);
  }

  /** As {@link FixedCosts} writes them. */
  static void write(Path tsv, List<CostRun> runs) throws Exception {
    StringBuilder s = new StringBuilder("# synthetic\n").append(CostRunsFile.HEADER).append('\n');
    for (CostRun r : runs) {
      s.append(String.format(Locale.ROOT, "%s\t%d\t%d\t%s\t%.6f\t%.6f\t%.6f%n", r.master(), r.partitions(), r.params(),
          r.run(), r.medianMs(), r.medianMs(), r.medianMs()));
    }
    Files.writeString(tsv, s);
  }
}
