package io.metaspark.app.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.app.config.DataError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bench costs file is read whole, or rejected with its name and the line at fault. */
class CostRunsFileTest {
  private static final String GOOD_ROW = "local-cluster[2,1,1024]\t8\t1000000\taggregate\t307.771\t288.282\t322.731";

  @TempDir
  Path dir;

  private Path file(String... lines) throws Exception {
    Path f = dir.resolve("costs.tsv");
    Files.writeString(f, String.join("\n", lines) + "\n");
    return f;
  }

  @Test
  void readsWhatBenchCostsWrites() throws Exception {
    Path f = file("# metaspark bench costs: no-compute iterations", "# shipping = ship - schedule", CostRunsFile.HEADER,
        "local[2]\t1\t2000\tschedule\t25.772\t21.657\t32.428", GOOD_ROW);
    List<CostRun> runs = CostRunsFile.read(f);
    assertEquals(2, runs.size());
    CostRun r = runs.get(1);
    assertEquals(List.of("local-cluster[2,1,1024]", 8, 1_000_000L, "aggregate", 307.771),
        List.of(r.master(), r.partitions(), r.params(), r.run(), r.medianMs()));
    assertEquals(f + ":5", r.where());
    assertEquals(2, r.executorJvms());
  }

  @Test
  void rejectsABadFileNamingItAndTheLine() throws Exception {
    String header = CostRunsFile.HEADER;
    assertRejected(file("master\tP\tparams", GOOD_ROW), ":1:", "expected the header");
    assertRejected(file(header, GOOD_ROW, "local[2]\t8\t1000000\taggregate\t307.7"), ":3:", "5 tab-separated fields");
    assertRejected(file(header, "yarn\t8\t1000\tship\t1\t1\t1"), ":2:", "master 'yarn'");
    assertRejected(file("# c", header, GOOD_ROW.replace("\t8\t", "\teight\t")), ":3:", "partitions 'eight'");
    assertRejected(file(header, GOOD_ROW.replace("\t1000000\t", "\t0\t")), ":2:", "params '0'");
    assertRejected(file(header, GOOD_ROW.replace("aggregate", "reduce")), ":2:", "run 'reduce'");
    assertRejected(file(header, GOOD_ROW.replace("307.771", "NaN")), ":2:", "median_ms 'NaN'");
    assertRejected(file(header, GOOD_ROW.replace("322.731", "-1")), ":2:", "p90_ms '-1'");
    assertRejected(file("# only comments", header), "", "no runs");
  }

  @Test
  void aMissingFileIsBadData() {
    Path missing = dir.resolve("nope.tsv");
    DataError e = assertThrows(DataError.class, () -> CostRunsFile.read(missing));
    assertTrue(e.getMessage().startsWith(missing + ": cannot read it"), e.getMessage());
  }

  private static void assertRejected(Path f, String line, String says) {
    DataError e = assertThrows(DataError.class, () -> CostRunsFile.read(f));
    assertTrue(e.getMessage().startsWith(f + line), "names the file and line: " + e.getMessage());
    assertTrue(e.getMessage().contains(says), "says what is wrong (" + says + "): " + e.getMessage());
  }
}
