package io.metaspark.app.cli;

import io.metaspark.app.config.Job;
import io.metaspark.app.config.Registries;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

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

  Job load(Registries registries) {
    return Job.load(config, overrides, registries);
  }
}
