package io.metaspark.app.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The declared keys of a set of registries: which exist, their defaults as a config, and which
 * registry entry owns a key (its keys matter only where the entry is selected).
 */
final class Schema {
  private final Map<String, Key<?>> keys = new LinkedHashMap<>();
  private final Map<String, List<Owner>> owners = new LinkedHashMap<>();

  /** An entry that declares a key, and the selector that chooses it. */
  private record Owner(Key<String> selector, String entry) {}

  Schema(Registries registries) {
    Settings.SECTION_KEYS.forEach(this::declare);
    for (Registry<?> registry : registries.all()) {
      declare(registry.selector());
      for (Registry.Entry<?> entry : registry.entries()) {
        for (Key<?> key : entry.keys()) {
          declare(key);
          owners.computeIfAbsent(key.path(), p -> new ArrayList<>()).add(new Owner(registry.selector(), entry.name()));
        }
      }
    }
  }

  /** One declaration per path; entries may share a key by declaring the same one. */
  private void declare(Key<?> key) {
    Key<?> before = keys.putIfAbsent(key.path(), key);
    if (before != null && before != key) {
      throw new IllegalStateException("the config key " + key.path() + " is declared twice");
    }
  }

  List<String> paths() {
    return new ArrayList<>(keys.keySet());
  }

  /** The declaration a config path falls under: its own key's, or an open section's (spark.conf's) it is inside. */
  Optional<Key<?>> declaring(String path) {
    Key<?> key = keys.get(path);
    if (key != null) {
      return Optional.of(key);
    }
    return keys.values().stream().filter(k -> k.open() && path.startsWith(k.path() + ".")).findFirst();
  }

  /** Every key at its default, each with its documentation as a comment (which the rendered config keeps). */
  Config defaults() {
    Config config = ConfigFactory.empty();
    for (Key<?> key : keys.values()) {
      ConfigValue value = ConfigValueFactory.fromAnyRef(key.defaultInConfig(), "metaspark defaults");
      config = config.withValue(key.path(), value.withOrigin(value.origin().withComments(List.of(" " + key.doc()))));
    }
    return config;
  }

  /**
   * Refuses a key declared {@link Key#onlyWhereSelected} that {@code config} sets to anything but its
   * default while selecting none of the entries that declare it, naming the key and the selection.
   */
  void rejectUnselectedOptions(Config config) {
    for (Key<?> key : keys.values()) {
      if (key.isOnlyWhereSelected() && !used(key, config) && !key.read(config).equals(key.defaultValue())) {
        Owner owner = owners.get(key.path()).get(0);
        String selected = config.hasPath(owner.selector().path()) ? config.getString(owner.selector().path())
            : owner.selector().defaultValue();
        throw new ConfigError(key.path() + " applies only where " + owner.selector().path() + " = " + owner.entry()
            + "; this config selects " + owner.selector().path() + " = " + selected);
      }
    }
  }

  /**
   * Whether {@code key} matters in {@code config}: a section's key always does, an entry's only
   * where the config selects the entry (a missing selector selects its default).
   */
  boolean used(Key<?> key, Config config) {
    List<Owner> declaredBy = owners.get(key.path());
    if (declaredBy == null) {
      return true;
    }
    for (Owner owner : declaredBy) {
      String selected = config.hasPath(owner.selector().path())
          ? config.getString(owner.selector().path()).trim().toLowerCase(Locale.ROOT)
          : owner.selector().defaultValue();
      if (selected.equals(owner.entry())) {
        return true;
      }
    }
    return false;
  }
}
