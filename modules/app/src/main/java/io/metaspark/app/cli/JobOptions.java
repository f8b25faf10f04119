package io.metaspark.app.cli;

import io.metaspark.app.config.Job;
import io.metaspark.app.config.Registries;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The options every command that reads a job config shares. */
final class JobOptions {
  @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "HOCON job config (e.g. conf/sinusoid.conf)")
  File config;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "override a config key, e.g. --set train.iterations=200 (repeatable)")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--master", paramLabel = "URL",
      description = "Spark master, e.g. local[4] or spark://host:7077 (default: spark-submit's, else spark.master)")
  String master;

  @Spec(Spec.Target.MIXEE)
  private CommandSpec command;

  /** The job the config and overrides describe, naming the entries of the command line's registries. */
  Job load() {
    return Job.load(config, overrides, registries());
  }

  Registries registries() {
    return ((MetasparkCli) command.parent().userObject()).registries();
  }
}
