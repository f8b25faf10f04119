package io.metaspark.app.cli;

import io.metaspark.app.bench.DataMemory;
import java.io.File;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "data-memory",
    description = "Measure the heap an executor keeps for its data as the data grows: Omniglot's decoded images"
        + " (1 to 50 alphabets) and a generated table's task store (rows); writes a TSV file.")
final class DataMemoryCommand implements Callable<Integer> {
  @Option(names = "--images", split = ",", paramLabel = "ZIP1,ZIP2",
      defaultValue = "../shared/data/omniglot/images_background.zip,../shared/data/omniglot/images_evaluation.zip",
      description = "Omniglot's zips, read in place (default: ${DEFAULT-VALUE})")
  List<String> images;

  @Option(names = "--alphabets", split = ",", defaultValue = "1,5,10,25,50", paramLabel = "A1,A2",
      description = "how many alphabets to decode, the zips' in name order; empty for none (default: ${DEFAULT-VALUE})")
  List<Integer> alphabets;

  @Option(names = "--rows", split = ",", defaultValue = "10000,100000,1000000", paramLabel = "R1,R2",
      description = "table sizes in rows; empty for none (default: ${DEFAULT-VALUE})")
  List<Integer> rows;

  @Option(names = "--features", defaultValue = "10", description = "feature columns of the generated tables")
  int features;

  @Option(names = "--group-rows", defaultValue = "100", description = "rows per group (task key)")
  int groupRows;

  @Option(names = "--buckets", defaultValue = "16", description = "the store's bucket files (tasks.table.store-buckets)")
  int buckets;

  @Option(names = "--table-cache-mb", defaultValue = "0",
      description = "tasks.table.cache-mb for the reads; 0 keeps every group (default: ${DEFAULT-VALUE})")
  long tableCacheMb;

  @Option(names = "--repeats", defaultValue = "3",
      description = "loads per size; the median is reported (default: ${DEFAULT-VALUE})")
  int repeats;

  @Option(names = "--work", defaultValue = "bench/data-memory", paramLabel = "DIR",
      description = "where the generated tables and their stores go (kept, and reused on the next run)")
  File work;

  @Option(names = "--output", defaultValue = "bench/data-memory.tsv", paramLabel = "FILE", description = "results file (TSV)")
  File output;

  @Override
  public Integer call() throws Exception {
    new DataMemory(new DataMemory.Settings(images, alphabets, rows, features, groupRows, buckets, tableCacheMb, repeats,
        work, output)).run();
    System.out.println("bench data-memory: wrote " + output);
    return 0;
  }
}
