package io.metaspark.app.testing;

import io.metaspark.app.cli.MetasparkCli;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line in a JVM of its own, as a scheduler runs it: to be killed or sent a signal. */
public final class CliProcess {
  private CliProcess() {}

  /** Starts {@code MetasparkCli.main(args)} with this JVM's options and classpath, its output in {@code log}. */
  public static Process start(List<String> args, Path log) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> !a.startsWith("-agentlib") && !a.startsWith("-javaagent")).toList());
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), MetasparkCli.class.getName()));
    command.addAll(args);
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /** Sends {@code signal} (TERM, INT, ...) as a scheduler or a terminal would. */
  public static void signal(Process process, String signal) throws IOException, InterruptedException {
    new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start().waitFor();
  }
}
