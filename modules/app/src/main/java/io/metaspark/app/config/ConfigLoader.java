package io.metaspark.app.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValueFactory;
import java.io.File;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a job config: the declared defaults, then the user's HOCON file, then {@code --set
 * key=value} overrides. Any key nothing declares is an error naming it (with the nearest declared
 * key), so a typo never silently falls back to a default.
 */
final class ConfigLoader {
  private ConfigLoader() {}

  static Config load(File file, List<String> overrides, Schema schema) {
    Config user = ConfigFactory.empty();
    if (file != null) {
      if (!file.isFile()) {
        throw new ConfigError("config file " + file + " does not exist");
      }
      try {
        user = ConfigFactory.parseFile(file, ConfigParseOptions.defaults().setAllowMissing(false));
      } catch (ConfigException e) {
        throw new ConfigError("cannot read config file " + file + ": " + e.getMessage(), e);
      }
    }
    Set<String> overridden = new HashSet<>();
    for (String o : overrides) {
      Config override = parseOverride(o);
      override.entrySet().forEach(e -> overridden.add(e.getKey()));
      user = override.withFallback(user);
    }
    try {
      user = user.resolve();
    } catch (ConfigException e) {
      throw new ConfigError("config: " + e.getMessage(), e);
    }
    rejectUnknownKeys(user, schema, file, overridden);
    Config config = user.withFallback(schema.defaults()).resolve();
    schema.rejectUnselectedOptions(config);
    return config;
  }

  private static Config parseOverride(String override) {
    int eq = override.indexOf('=');
    if (eq <= 0) {
      throw new ConfigError("--set expects key=value, got '" + override + "'");
    }
    String key = override.substring(0, eq).trim();
    String value = override.substring(eq + 1).trim();
    try {
      return ConfigFactory.parseString(key + " = " + value);
    } catch (ConfigException e) {
      // values such as local[2] are not HOCON: take them as the plain string they were meant as
      try {
        return ConfigFactory.empty().withValue(key, ConfigValueFactory.fromAnyRef(value));
      } catch (ConfigException bad) {
        throw new ConfigError("--set " + override + ": '" + key + "' is not a config key", bad);
      }
    }
  }

  /** Names each unknown key with where it came from: the config file, or --set. */
  private static void rejectUnknownKeys(Config user, Schema schema, File file, Set<String> overridden) {
    List<String> unknown = new ArrayList<>();
    for (Map.Entry<String, ?> e : user.entrySet()) {
      if (schema.declaring(e.getKey()).isEmpty()) {
        unknown.add(e.getKey());
      }
    }
    if (!unknown.isEmpty()) {
      TreeSet<String> known = new TreeSet<>(schema.paths());
      StringBuilder message = new StringBuilder();
      for (String key : unknown) {
        message.append(message.length() == 0 ? "" : "; ")
            .append("unknown config key '").append(key).append("'")
            .append(overridden.contains(key) ? " given with --set" : file == null ? "" : " in " + file);
        String near = nearest(key, known);
        if (near != null) {
          message.append(" (did you mean '").append(near).append("'?)");
        }
      }
      throw new ConfigError(message.toString());
    }
  }

  private static String nearest(String key, Iterable<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : known) {
      int d = editDistance(key, k);
      if (d < bestDistance) {
        bestDistance = d;
        best = k;
      }
    }
    return bestDistance <= Math.max(2, key.length() / 4) ? best : null;
  }

  private static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] t = previous;
      previous = current;
      current = t;
    }
    return previous[b.length()];
  }
}
