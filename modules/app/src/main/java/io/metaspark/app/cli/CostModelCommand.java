package io.metaspark.app.cli;

import io.metaspark.app.bench.CostForecast;
import io.metaspark.app.config.ConfigError;
import io.metaspark.spark.TrainingPlan;
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

  @Option(names = "--tree-depth", defaultValue = "auto", paramLabel = "auto|N",
      description = "treeAggregate's depth in the forecast; auto chooses it from the partitions as training does"
          + " (default: ${DEFAULT-VALUE})")
  String treeDepth;

  @Option(names = "--plot", paramLabel = "PNG", description = "where to draw the forecast (none unless given)")
  File plot;

  @Override
  public Integer call() throws Exception {
    int depth = TrainingPlan.AUTO_TREE_DEPTH;
    if (!treeDepth.equals("auto")) {
      try {
        depth = Integer.parseInt(treeDepth);
      } catch (NumberFormatException e) {
        depth = 0;
      }
      if (depth < 1) {
        throw new ConfigError("--tree-depth must be auto or a depth of at least 1, got '" + treeDepth + "'");
      }
    }
    new CostForecast(new CostForecast.Settings(costs, holdOut, machineCores, linkGbps, executors, efficiency, depth,
        plot)).run(System.out);
    return 0;
  }
}
