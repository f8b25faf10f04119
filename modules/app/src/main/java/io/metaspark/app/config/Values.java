package io.metaspark.app.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The values of a job's keys, each read and checked once: every section's keys and the keys of the
 * registry entries the config selects. An entry reads its own keys from here by their declarations
 * ({@code values.get(SHRINK)}), and may read any section's.
 */
public final class Values {
  private final Map<String, Object> byPath = new LinkedHashMap<>();
  private final Config config;

  Values(Config config) {
    this.config = config;
  }

  /**
   * The values of {@code keys} in a config as {@link Job#render} wrote it (in a checkpoint or a
   * model card), each key it lacks at its default: what a tool needs of a run's own config, without
   * the rest of it, which an older metaspark may have spelled differently.
   */
  public static Values in(String renderedConfig, List<Key<?>> keys) {
    Config config;
    try {
      config = ConfigFactory.parseString(renderedConfig);
    } catch (ConfigException e) {
      throw new ConfigError("not a config: " + e.getMessage(), e);
    }
    Values values = new Values(config);
    for (Key<?> key : keys) {
      if (config.hasPath(key.path())) {
        values.read(key);
      } else {
        values.byPath.put(key.path(), key.defaultValue());
      }
    }
    return values;
  }

  /** The value of {@code key}; reading a key of an entry the config does not select is a programming error. */
  @SuppressWarnings("unchecked")
  public <T> T get(Key<T> key) {
    if (!byPath.containsKey(key.path())) {
      throw new IllegalStateException(key.path() + " was not read: it belongs to a registry entry the config does not"
          + " select, or to no declaration at all");
    }
    return (T) byPath.get(key.path());
  }

  /** Reads and checks {@code key} (once); a bad value is a ConfigError naming it. */
  <T> T read(Key<T> key) {
    T value = key.read(config);
    byPath.put(key.path(), value);
    return value;
  }

  void readAll(List<Key<?>> keys) {
    keys.forEach(this::read);
  }
}
