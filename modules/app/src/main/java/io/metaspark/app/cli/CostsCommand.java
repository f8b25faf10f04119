package io.metaspark.app.cli;

import io.metaspark.app.bench.FixedCosts;
import java.io.File;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "costs",
    description = "Measure a meta-iteration's fixed costs with no compute (scheduling, parameter shipping,"
        + " aggregation) per master, partition count and parameter count, for the cost model; writes a TSV file.")
final class CostsCommand implements Callable<Integer> {
  @Option(names = "--masters", split = ",(?![^\\[]*])", defaultValue = "local[2]", paramLabel = "M1,M2",
      description = "Spark masters, e.g. local[2],local-cluster[4,1,1024] (default: ${DEFAULT-VALUE})")
  List<String> masters;

  @Option(names = "--partitions", split = ",", defaultValue = "1,2,4,8,16,32,64", paramLabel = "P1,P2",
      description = "partition counts (default: ${DEFAULT-VALUE})")
  List<Integer> partitions;

  @Option(names = "--params", split = ",", defaultValue = "2000,100000,1000000", paramLabel = "N1,N2",
      description = "parameter vector sizes (default: ${DEFAULT-VALUE})")
  List<Integer> params;

  @Option(names = "--iterations", defaultValue = "50", description = "measured iterations per run")
  int iterations;

  @Option(names = "--warmup", defaultValue = "10", description = "iterations run first and not measured")
  int warmup;

  @Option(names = "--output", defaultValue = "bench/costs.tsv", paramLabel = "FILE", description = "results file (TSV)")
  File output;

  @Override
  public Integer call() throws Exception {
    new FixedCosts(new FixedCosts.Settings(masters, partitions, params, iterations, warmup, output)).run();
    System.out.println("bench costs: wrote " + output);
    return 0;
  }
}
