package io.metaspark.app.bench;

import io.metaspark.app.config.DataError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads the TSV files {@code bench costs} writes ({@link FixedCosts}): '#' comment lines, the
 * header, then one row per run. A file that is not one is rejected before anything is fitted, with
 * its name and the line at fault.
 */
final class CostRunsFile {
  static final String HEADER = "master\tpartitions\tparams\trun\tmedian_ms\tp10_ms\tp90_ms";
  private static final Set<String> RUNS = Set.of(CostRun.SCHEDULE, CostRun.SHIP, CostRun.AGGREGATE);

  private CostRunsFile() {}

  /** Every run of every file, in order. */
  static List<CostRun> read(List<Path> files) {
    List<CostRun> runs = new ArrayList<>();
    for (Path file : files) {
      runs.addAll(read(file));
    }
    return runs;
  }

  static List<CostRun> read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new DataError(file + ": cannot read it (" + e.getMessage() + ")");
    }
    List<CostRun> runs = new ArrayList<>();
    boolean header = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      String where = file + ":" + (i + 1);
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      if (!header) {
        if (!line.equals(HEADER)) {
          throw new DataError(where + ": expected the header of a bench costs file (" + HEADER.replace('\t', ' ')
              + "), found '" + line + "'");
        }
        header = true;
        continue;
      }
      runs.add(row(line, where));
    }
    if (runs.isEmpty()) {
      throw new DataError(file + ": no runs in it (a bench costs TSV: comments, the header, one row per run)");
    }
    return runs;
  }

  private static CostRun row(String line, String where) {
    String[] f = line.split("\t", -1);
    if (f.length != 7) {
      throw new DataError(where + ": " + f.length + " tab-separated fields, expected 7 (" + HEADER.replace('\t', ' ')
          + ")");
    }
    String master = f[0].trim();
    if (Bench.slots(master) < 1) {
      throw new DataError(where + ": master '" + master + "' is not local[N] or local-cluster[N,cores,MB]");
    }
    int partitions = (int) positive(f[1], "partitions", where);
    long params = positive(f[2], "params", where);
    if (!RUNS.contains(f[3])) {
      throw new DataError(where + ": run '" + f[3] + "' is not one of " + RUNS);
    }
    double median = millis(f[4], "median_ms", where);
    millis(f[5], "p10_ms", where);
    millis(f[6], "p90_ms", where);
    return new CostRun(master, partitions, params, f[3], median, where);
  }

  private static long positive(String field, String name, String where) {
    try {
      long value = Long.parseLong(field.trim());
      if (value >= 1 && (!name.equals("partitions") || value <= Integer.MAX_VALUE)) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new DataError(where + ": " + name + " '" + field + "' is not a positive whole number");
  }

  private static double millis(String field, String name, String where) {
    try {
      double value = Double.parseDouble(field.trim());
      if (Double.isFinite(value) && value > 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new DataError(where + ": " + name + " '" + field + "' is not a positive number of milliseconds");
  }
}
