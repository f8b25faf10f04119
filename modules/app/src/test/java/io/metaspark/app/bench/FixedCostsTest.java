package io.metaspark.app.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.app.cli.MetasparkCli;
import io.metaspark.app.testing.Console;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench costs} runs its three no-compute runs per combination and writes one row each. */
class FixedCostsTest {
  @Test
  void everyCombinationGetsAScheduleAShipAndAnAggregateRow(@TempDir Path dir) throws Exception {
    Path output = dir.resolve("costs.tsv");
    Console.out(() -> assertEquals(0, MetasparkCli.run("bench", "costs", "--masters", "local[2]",
        "--partitions", "1,3", "--params", "10,5000", "--warmup", "1", "--iterations", "2",
        "--output", output.toString())));
    List<String> lines = Files.readAllLines(output);
    assertTrue(lines.get(0).startsWith("# metaspark bench costs"), lines.get(0));
    assertTrue(lines.get(1).contains("re-run on a quiet one"), "says it is no calibration: " + lines.get(1));
    assertEquals("master\tpartitions\tparams\trun\tmedian_ms\tp10_ms\tp90_ms", lines.get(2));
    List<String[]> rows = lines.subList(3, lines.size()).stream().map(l -> l.split("\t")).toList();
    assertEquals(2 * 2 * 3, rows.size());
    int i = 0;
    for (String partitions : List.of("1", "3")) {
      for (String params : List.of("10", "5000")) {
        for (String run : List.of("schedule", "ship", "aggregate")) {
          String[] row = rows.get(i++);
          assertEquals(List.of("local[2]", partitions, params, run), List.of(row).subList(0, 4));
          double p10 = Double.parseDouble(row[5]);
          double median = Double.parseDouble(row[4]);
          double p90 = Double.parseDouble(row[6]);
          assertTrue(0 < p10 && p10 <= median && median <= p90, String.join(" ", row));
        }
      }
    }
  }

  @Test
  void badArgumentsExitWithTwoBeforeSparkStarts(@TempDir Path dir) {
    String out = dir.resolve("x.tsv").toString();
    assertEquals(2, MetasparkCli.run("bench", "costs", "--masters", "yarn", "--output", out));
    assertEquals(2, MetasparkCli.run("bench", "costs", "--partitions", "0", "--output", out));
    assertEquals(2, MetasparkCli.run("bench", "costs", "--iterations", "0", "--output", out));
  }
}
