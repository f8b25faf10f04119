package io.metaspark.app.cli;

import picocli.CommandLine.Option;

/** {@code --model}: a model as train exports it, the commands that read one share. */
final class ModelOption {
  @Option(names = "--model", required = true, paramLabel = "DIR", description = "a run's final/ directory (evaluate"
      + " takes a directory of such models too, as a run's best/, and evaluates them as one ensemble)")
  String dir;
}
