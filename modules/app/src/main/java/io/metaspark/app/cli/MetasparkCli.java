package io.metaspark.app.cli;

import io.metaspark.app.builtin.BuiltIns;
import io.metaspark.app.config.ConfigError;
import io.metaspark.app.config.DataError;
import io.metaspark.app.config.Registries;
import io.metaspark.app.evaluate.EvaluationDiverged;
import io.metaspark.app.run.Interruption;
import io.metaspark.app.run.RunLock;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;

/**
 * Entry point for bin/metaspark and spark-submit. Exit codes a scheduler can act on: 0 done,
 * 1 failed, 2 bad config or usage, 3 bad or missing data, 4 diverged, 5 run locked by another job;
 * an interrupted job ends with the signal's code (130 for SIGINT, 143 for SIGTERM). Its --help and
 * --version are every command's.
 */
@Command(name = "metaspark", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, version = "metaspark 0.1.0",
    description = "Distributed meta-learning (MAML, first-order MAML, Reptile) on Spark with DL4J models.",
    subcommands = {TrainCommand.class, EvaluateCommand.class, AdaptCommand.class, ReportCommand.class,
        BenchCommand.class})
public final class MetasparkCli {
  static final int FAILED = 1;
  static final int BAD_CONFIG = 2;
  static final int BAD_DATA = 3;
  static final int DIVERGED = 4;
  static final int LOCKED = 5;

  private final Registries registries;

  private MetasparkCli(Registries registries) {
    this.registries = registries;
  }

  public static void main(String[] args) {
    main(BuiltIns.registries(), args);
  }

  /**
   * A main method on {@code registries}: what an extension's own main calls, so that its entries
   * can be named in configs. Stops gracefully on SIGTERM and SIGINT, and exits with the command's code.
   */
  public static void main(Registries registries, String... args) {
    Interruption.install();
    System.exit(run(registries, args));
  }

  /** The command line on the built-in algorithms, task families, optimizers, schedules and presets. */
  public static int run(String... args) {
    return run(BuiltIns.registries(), args);
  }

  /** The command line on {@code registries}: how an extension runs metaspark with its own entries. */
  public static int run(Registries registries, String... args) {
    CommandLine cli = new CommandLine(new MetasparkCli(registries));
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (Interruption.stopRequested()) {
        // whatever failed after a SIGTERM or SIGINT failed because of it (Spark shutting down)
        Interruption.report(cmd.getErr()::println);
        cmd.getErr().flush();
        return Interruption.exitCode();
      }
      if (e instanceof ConfigError) {
        cmd.getErr().println("metaspark: " + e.getMessage());
        return BAD_CONFIG;
      }
      if (causedBy(e, io.metaspark.spark.NotEnoughSlotsException.class) != null) {
        // a setting that cannot work on this cluster, found before any iteration ran
        cmd.getErr().println("metaspark: " + causedBy(e, io.metaspark.spark.NotEnoughSlotsException.class).getMessage());
        return BAD_CONFIG;
      }
      if (e instanceof DataError) {
        cmd.getErr().println("metaspark: bad data: " + e.getMessage());
        return BAD_DATA;
      }
      if (causedBy(e, RunLock.RunLockedException.class) != null) {
        cmd.getErr().println("metaspark: " + causedBy(e, RunLock.RunLockedException.class).getMessage());
        return LOCKED;
      }
      if (e instanceof EvaluationDiverged) {
        cmd.getErr().println("metaspark: " + e.getMessage());
        return DIVERGED;
      }
      if (causedBy(e, io.metaspark.spark.DivergedException.class) != null) {
        cmd.getErr().println("metaspark: " + causedBy(e, io.metaspark.spark.DivergedException.class).getMessage()
            + "; the checkpoints keep the last good state");
        return DIVERGED;
      }
      cmd.getErr().println("metaspark: failed: " + e);
      e.printStackTrace(cmd.getErr());
      return FAILED;
    });
    return cli.execute(args);
  }

  /** What a config may name, for the commands that read one. */
  Registries registries() {
    return registries;
  }

  private static Throwable causedBy(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return t;
      }
    }
    return null;
  }
}
