package io.metaspark.app.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * One config key, declared once: its full dotted path, its type and default, the checks its value
 * must pass, and one line of documentation. The defaults a job starts from, the check that a key
 * exists, the reading and checking of its value, and what resume may let change are all derived
 * from the declarations; {@code metaspark-defaults.conf} and docs/CONFIGURATION.md are checked
 * against them by tests.
 *
 * <pre>{@code
 * static final Key<Integer> META_BATCH =
 *     Key.integer("train.meta-batch", 25, "tasks per meta-iteration").check(Check.atLeast(1));
 * }</pre>
 */
public final class Key<T> {
  private final String path;
  private final BiFunction<Config, String, T> reader;
  private final Function<T, Object> writer;
  private final T defaultValue;
  private final List<Check<T>> checks;
  private final String doc;
  private final boolean open;
  private final boolean changeableOnResume;
  private final T valueBeforeTheKey;
  private final boolean onlyWhereSelected;

  private Key(String path, BiFunction<Config, String, T> reader, Function<T, Object> writer, T defaultValue,
      List<Check<T>> checks, String doc, boolean open, boolean changeableOnResume, T valueBeforeTheKey,
      boolean onlyWhereSelected) {
    this.path = path;
    this.reader = reader;
    this.writer = writer;
    this.defaultValue = defaultValue;
    this.checks = List.copyOf(checks);
    this.doc = doc;
    this.open = open;
    this.changeableOnResume = changeableOnResume;
    this.valueBeforeTheKey = valueBeforeTheKey;
    this.onlyWhereSelected = onlyWhereSelected;
  }

  private static <T> Key<T> of(String path, BiFunction<Config, String, T> reader, Function<T, Object> writer,
      T defaultValue, String doc) {
    if (!path.matches("[a-z0-9-]+(\\.[a-z0-9-]+)+")) {
      throw new IllegalArgumentException("a key is a dotted path of lower-case words under its section, got '" + path
          + "'");
    }
    return new Key<>(path, reader, writer, defaultValue, List.of(), doc, false, false, null, false);
  }

  /** A string, as written. */
  public static Key<String> string(String path, String defaultValue, String doc) {
    return of(path, Config::getString, v -> v, defaultValue, doc);
  }

  /** A string trimmed of surrounding blanks. */
  public static Key<String> trimmed(String path, String defaultValue, String doc) {
    return of(path, (c, p) -> c.getString(p).trim(), v -> v, defaultValue, doc);
  }

  /** A name, trimmed and lower-cased, without a check of its own (a registry's selector). */
  public static Key<String> name(String path, String defaultValue, String doc) {
    return of(path, (c, p) -> c.getString(p).trim().toLowerCase(Locale.ROOT), v -> v, defaultValue, doc);
  }

  /** One of {@code choices}, trimmed and lower-cased: "{path} must be one of a, b, got 'c'" otherwise. */
  public static Key<String> choice(String path, String defaultValue, List<String> choices, String doc) {
    return name(path, defaultValue, doc).check((p, v) -> choices.contains(v) ? null
        : p + " must be one of " + String.join(", ", choices) + ", got '" + v + "'");
  }

  /**
   * A value named by a string, turned into a {@code T} by {@code parse} (whose IllegalArgumentException
   * becomes "{path}: {its message}") and back by {@code print}.
   */
  public static <T> Key<T> parsed(String path, T defaultValue, Function<String, T> parse, Function<T, String> print,
      String doc) {
    return of(path, (c, p) -> {
      String text = c.getString(p);
      try {
        return parse.apply(text);
      } catch (IllegalArgumentException e) {
        throw new ConfigError(p + ": " + e.getMessage(), e);
      }
    }, print::apply, defaultValue, doc);
  }

  public static Key<Integer> integer(String path, int defaultValue, String doc) {
    return of(path, Config::getInt, v -> v, defaultValue, doc);
  }

  public static Key<Long> longInteger(String path, long defaultValue, String doc) {
    return of(path, Config::getLong, v -> v, defaultValue, doc);
  }

  public static Key<Double> number(String path, double defaultValue, String doc) {
    return of(path, Config::getDouble, v -> v, defaultValue, doc);
  }

  public static Key<Boolean> flag(String path, boolean defaultValue, String doc) {
    return of(path, Config::getBoolean, v -> v, defaultValue, doc);
  }

  /** A HOCON duration, e.g. 30 minutes. */
  public static Key<Duration> duration(String path, Duration defaultValue, String doc) {
    return of(path, Config::getDuration, Key::hocon, defaultValue, doc);
  }

  public static Key<List<String>> strings(String path, List<String> defaultValue, String doc) {
    return of(path, Config::getStringList, v -> v, List.copyOf(defaultValue), doc);
  }

  public static Key<List<Integer>> integers(String path, List<Integer> defaultValue, String doc) {
    return of(path, Config::getIntList, v -> v, List.copyOf(defaultValue), doc);
  }

  public static Key<List<Double>> numbers(String path, List<Double> defaultValue, String doc) {
    return of(path, Config::getDoubleList, v -> v, List.copyOf(defaultValue), doc);
  }

  /** An interval [low, high] of numbers: "{path} must be [low, high] with low <= high, got [...]" otherwise. */
  public static Key<List<Double>> range(String path, double low, double high, String doc) {
    return numbers(path, List.of(low, high), doc).check((p, bounds) -> bounds.size() == 2
        && bounds.get(0) <= bounds.get(1) ? null : p + " must be [low, high] with low <= high, got " + bounds);
  }

  /**
   * An open section of properties passed through as they are, dotted names and all (e.g.
   * {@code spark.conf}): any key under it is allowed, and none of them is declared here.
   */
  public static Key<Map<String, String>> properties(String path, String doc) {
    Key<Map<String, String>> key = of(path, (c, p) -> {
      Map<String, String> out = new LinkedHashMap<>();
      for (Map.Entry<String, ConfigValue> e : c.getConfig(p).entrySet()) {
        // HOCON splits dotted keys into paths; the properties' owner wants the dotted name back
        out.put(e.getKey().replace("\"", ""), String.valueOf(e.getValue().unwrapped()));
      }
      return out;
    }, v -> v, Map.of(), doc);
    return new Key<>(key.path, key.reader, key.writer, key.defaultValue, List.of(), doc, true, false, null, false);
  }

  /** The same key, whose value must also pass {@code check}. */
  public Key<T> check(Check<T> check) {
    List<Check<T>> all = new ArrayList<>(checks);
    all.add(check);
    return new Key<>(path, reader, writer, defaultValue, all, doc, open, changeableOnResume, valueBeforeTheKey,
        onlyWhereSelected);
  }

  /**
   * The same key, declared as one that does not change what a run computes (how long, where, how
   * it is reported): a checkpoint may be resumed under another value.
   */
  public Key<T> changeableOnResume() {
    return new Key<>(path, reader, writer, defaultValue, checks, doc, open, true, valueBeforeTheKey, onlyWhereSelected);
  }

  /**
   * The same key, added after runs were first checkpointed: {@code value} computes what a run whose
   * config predates the key computed, and such a run resumes only under it.
   */
  public Key<T> valueBeforeTheKey(T value) {
    return new Key<>(path, reader, writer, defaultValue, checks, doc, open, changeableOnResume, value, onlyWhereSelected);
  }

  /**
   * The same key, for a registry entry's option that would mislead if ignored: set to anything but
   * its default in a config that does not select its entry, it is a ConfigError, not silently unused.
   */
  public Key<T> onlyWhereSelected() {
    return new Key<>(path, reader, writer, defaultValue, checks, doc, open, changeableOnResume, valueBeforeTheKey,
        true);
  }

  boolean isOnlyWhereSelected() {
    return onlyWhereSelected;
  }

  public String path() {
    return path;
  }

  public T defaultValue() {
    return defaultValue;
  }

  public String doc() {
    return doc;
  }

  /** Whether any key under this one is allowed (an open section such as spark.conf). */
  public boolean open() {
    return open;
  }

  public boolean isChangeableOnResume() {
    return changeableOnResume;
  }

  /** The value of a run from before the key existed, or null. */
  Object valueBeforeTheKeyInConfig() {
    return valueBeforeTheKey == null ? null : writer.apply(valueBeforeTheKey);
  }

  /** The default as a config holds it. */
  Object defaultInConfig() {
    return writer.apply(defaultValue);
  }

  /** The value in {@code config}, type-checked and checked; a bad one is a ConfigError naming this key. */
  T read(Config config) {
    T value = typed(config);
    for (Check<T> check : checks) {
      String problem = check.problem(path, value);
      if (problem != null) {
        throw new ConfigError(problem);
      }
    }
    return value;
  }

  /** The value in {@code config}, of this key's type (a wrong type is a ConfigError), not yet checked. */
  T typed(Config config) {
    try {
      return reader.apply(config, path);
    } catch (com.typesafe.config.ConfigException e) {
      throw new ConfigError("config: " + e.getMessage(), e);
    }
  }

  /** A duration as HOCON writes it, in the largest unit that holds it whole: "30 minutes". */
  private static String hocon(Duration d) {
    for (ChronoUnit unit : List.of(ChronoUnit.DAYS, ChronoUnit.HOURS, ChronoUnit.MINUTES, ChronoUnit.SECONDS,
        ChronoUnit.MILLIS)) {
      long nanos = unit.getDuration().toNanos();
      if (d.toNanos() % nanos == 0) {
        return d.toNanos() / nanos + " " + unit.name().toLowerCase(Locale.ROOT);
      }
    }
    return d.toNanos() + " nanoseconds";
  }

  @Override
  public String toString() {
    return path;
  }

  /** Keys are their paths: one declaration per path. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Key<?> k && k.path.equals(path);
  }

  @Override
  public int hashCode() {
    return path.hashCode();
  }
}
