package io.metaspark.app.bench;

import io.metaspark.app.config.ConfigError;
import java.util.List;
import java.util.Set;

/**
 * Runs kept out of the fit to check the model on: {@code master=M}, {@code partitions=P} or
 * {@code params=N}; a run is held out when any rule matches it.
 */
record HoldOut(String key, String value) {
  private static final Set<String> KEYS = Set.of("master", "partitions", "params");

  static HoldOut parse(String rule) {
    int eq = rule.indexOf('=');
    String key = eq > 0 ? rule.substring(0, eq).trim() : "";
    if (!KEYS.contains(key) || eq == rule.length() - 1) {
      throw new ConfigError("--hold-out expects master=M, partitions=P or params=N, got '" + rule + "'");
    }
    String value = rule.substring(eq + 1).trim();
    if (!key.equals("master")) {
      try {
        Long.parseLong(value);
      } catch (NumberFormatException e) {
        throw new ConfigError("--hold-out " + rule + ": '" + value + "' is not a whole number");
      }
    }
    return new HoldOut(key, value);
  }

  boolean matches(CostRun run) {
    return switch (key) {
      case "master" -> run.master().equals(value);
      case "partitions" -> run.partitions() == Long.parseLong(value);
      default -> run.params() == Long.parseLong(value);
    };
  }

  static boolean anyMatches(List<HoldOut> rules, CostRun run) {
    return rules.stream().anyMatch(r -> r.matches(run));
  }

  @Override
  public String toString() {
    return key + "=" + value;
  }
}
