package io.metaspark.app.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The command line of a short train of conf/sinusoid.conf on local[2], as the tests that look at runs give it. */
public final class SinusoidTraining {
  private SinusoidTraining() {}

  /**
   * train into {@code runDir}/{@code name} for {@code iterations}, each of {@code settings}
   * ("key=value") given with --set, then {@code extra} arguments as they are.
   */
  public static String[] args(Object runDir, String name, int iterations, List<String> settings, String... extra) {
    List<String> args = new ArrayList<>(List.of("train", "--config", "../../conf/sinusoid.conf", "--master", "local[2]",
        "--set", "run.dir=" + runDir, "--set", "run.name=" + name, "--set", "train.iterations=" + iterations));
    for (String setting : settings) {
      args.addAll(List.of("--set", setting));
    }
    args.addAll(Arrays.asList(extra));
    return args.toArray(String[]::new);
  }
}
