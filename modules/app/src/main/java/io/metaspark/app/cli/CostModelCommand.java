package io.metaspark.app.cli;

import io.metaspark.app.bench.CostForecast;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "cost-model",
    description = "Fit the cost model of a jobs-mode meta-iteration to 'bench costs' files, check it on held-out runs,"
        + " and forecast iteration time, scaling efficiency, the limiting term and the meta-batch needed to stay"
        + " efficient up to --executors executors; prints Markdown tables, draws a PNG.")
final class CostModelCommand implements Callable<Integer> {
  @Option(names = "--costs", split = ",", required = true, paramLabel = "TSV1,TSV2",
      description = "bench costs results files")
  List<Path> costs;

  @Option(names = "--hold-out", paramLabel = "KEY=VALUE",
      defaultValue = "partitions=32", split = ";",
      description = "runs kept out of the fit to check it on: master=M, partitions=P or params=N; repeatable,"
          + " or ';'-separated (default: ${DEFAULT-VALUE})")
  List<String> holdOut;

  @Option(names = "--machine-cores", defaultValue = "2",
      description = "cores of the machine the runs were measured on (default: ${DEFAULT-VALUE})")
  int machineCores;

  @Option(names = "--link-gbps", defaultValue = "10",
      description = "bandwidth between hosts in Gbit/s for the forecast; 0: loopback, as calibrated (default: ${DEFAULT-VALUE})")
  double linkGbps;

  @Option(names = "--executors", defaultValue = "256", description = "largest cluster forecast (default: ${DEFAULT-VALUE})")
  int executors;

  @Option(names = "--efficiency", defaultValue = "0.8",
      description = "scaling efficiency the meta-batch column keeps (default: ${DEFAULT-VALUE})")
  double efficiency;

  @Option(names = "--plot", paramLabel = "PNG", description = "where to draw the forecast (none unless given)")
  File plot;

  @Override
  public Integer call() throws Exception {
    new CostForecast(new CostForecast.Settings(costs, holdOut, machineCores, linkGbps, executors, efficiency, plot))
        .run(System.out);
    return 0;
  }
}
