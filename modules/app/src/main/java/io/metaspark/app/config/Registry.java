package io.metaspark.app.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The entries of one kind, by the name a config key selects them with (its selector, e.g.
 * {@code algorithm.name}), each with the keys it reads. Adding an algorithm, a task family, an
 * optimizer, a schedule or a model preset is one {@link #register} call; nothing else names it.
 */
public final class Registry<E extends Registered> {
  private final Key<String> selector;
  private final String noneMeaning;
  private final Map<String, Entry<E>> entries = new LinkedHashMap<>();

  /** An entry, its name, and the keys it reads, declared once. */
  public record Entry<E>(String name, List<Key<?>> keys, E entry) {}

  /**
   * @param noneMeaning what an empty selector means (e.g. "json-file or mlp" for model.preset), or
   *     null when one entry must be selected
   */
  Registry(Key<String> selector, String noneMeaning) {
    this.selector = selector;
    this.noneMeaning = noneMeaning;
  }

  /**
   * Adds {@code entry} under {@code name}, reading {@code keys} when the config selects it; a name
   * taken already is an error.
   */
  public Registry<E> register(String name, List<Key<?>> keys, E entry) {
    if (!name.matches("[a-z0-9-]+")) {
      throw new IllegalArgumentException(selector.path() + ": an entry's name is lower-case letters, digits and '-',"
          + " got '" + name + "'");
    }
    if (entries.containsKey(name)) {
      throw new IllegalArgumentException(selector.path() + " has an entry named '" + name + "' already");
    }
    entries.put(name, new Entry<>(name, List.copyOf(keys), entry));
    return this;
  }

  /** The key that selects an entry. */
  public Key<String> selector() {
    return selector;
  }

  /** The entries, in the order they were registered. */
  public List<Entry<E>> entries() {
    return new ArrayList<>(entries.values());
  }

  /**
   * The entry {@code values} select (empty only where an empty selector is allowed), its keys read
   * and checked into {@code values}; an unknown name is a ConfigError listing the known ones.
   */
  Optional<E> select(Values values) {
    String name = values.read(selector);
    if (name.isEmpty() && noneMeaning != null) {
      return Optional.empty();
    }
    Entry<E> entry = entries.get(name);
    if (entry == null) {
      throw new ConfigError(selector.path() + " must be " + (noneMeaning == null ? "one of " : "\"\" (" + noneMeaning
          + ") or ") + String.join(", ", entries.keySet()) + ", got '" + name + "'");
    }
    values.readAll(entry.keys());
    return Optional.of(entry.entry());
  }
}
