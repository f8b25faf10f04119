package io.metaspark.app.cli;

import io.metaspark.app.report.RunReport;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "report",
    description = "Plot a run's learning curves (report.png) and write report.html with its evaluation.")
final class ReportCommand implements Callable<Integer> {
  @Option(names = "--run", required = true, paramLabel = "DIR", description = "a run directory (any Hadoop URI)")
  String runDir;

  @Override
  public Integer call() throws Exception {
    RunReport.write(runDir, System.out);
    return 0;
  }
}
