package io.metaspark.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point for bin/metaspark and spark-submit. Exit codes: 0 done, 1 failed, 2 bad config or usage. */
@Command(name = "metaspark", mixinStandardHelpOptions = true, version = "metaspark 0.1.0",
    description = "Distributed meta-learning (MAML, first-order MAML, Reptile) on Spark with DL4J models.",
    subcommands = {TrainCommand.class, EvaluateCommand.class, BenchCommand.class})
public final class MetasparkCli {
  static final int FAILED = 1;
  static final int BAD_CONFIG = 2;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String... args) {
    CommandLine cli = new CommandLine(new MetasparkCli());
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof ConfigError) {
        cmd.getErr().println("metaspark: " + e.getMessage());
        return BAD_CONFIG;
      }
      cmd.getErr().println("metaspark: failed: " + e);
      e.printStackTrace(cmd.getErr());
      return FAILED;
    });
    return cli.execute(args);
  }
}
