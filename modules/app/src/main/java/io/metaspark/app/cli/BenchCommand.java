package io.metaspark.app.cli;

import io.metaspark.app.bench.Bench;
import io.metaspark.app.config.ConfigError;
import io.metaspark.app.config.Settings;
import java.io.File;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench",
    description = "Measure meta-training throughput (ms per meta-iteration, tasks/s), the split of an iteration's"
        + " time, memory, and scaling, per master and algorithm. 'bench costs' measures the fixed costs alone,"
        + " 'bench cost-model' fits and forecasts them, 'bench data-memory' the data's heap per executor.",
    subcommands = {CostsCommand.class, CostModelCommand.class, DataMemoryCommand.class})
final class BenchCommand implements Callable<Integer> {
  @Mixin
  JobOptions options;

  @Option(names = "--masters", split = ",(?![^\\[]*])", defaultValue = "local[1],local[2]", paramLabel = "M1,M2",
      description = "Spark masters to compare, e.g. local[2],local-cluster[2,1,1024] (default: ${DEFAULT-VALUE})")
  List<String> masters;

  @Option(names = "--algorithms", split = ",", defaultValue = "maml,fomaml,reptile", paramLabel = "A1,A2",
      description = "algorithms to compare (default: ${DEFAULT-VALUE})")
  List<String> algorithms;

  @Option(names = "--vary", paramLabel = "KEY=V1,V2",
      description = "also compare values of one config key, e.g. --vary model.learner=auto,dl4j")
  String vary;

  @Option(names = "--iterations", defaultValue = "300", description = "measured iterations per configuration and repeat")
  int iterations;

  @Option(names = "--warmup", defaultValue = "150", description = "iterations run first and not measured (JIT, first network builds)")
  int warmup;

  @Option(names = "--repeats", defaultValue = "3", description = "rounds over all configurations")
  int repeats;

  @Option(names = "--output", defaultValue = "bench/results.json", paramLabel = "FILE", description = "results file (JSON)")
  File output;

  @Override
  public Integer call() throws Exception {
    if (options.master != null) {
      throw new ConfigError("bench compares masters: use --masters, not --master");
    }
    new Bench(new Bench.Settings(masters, algorithms, vary, iterations, warmup, repeats, output, options.config,
        options.overrides), options.registries()).run();
    return 0;
  }
}
