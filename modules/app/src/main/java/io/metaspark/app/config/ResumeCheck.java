package io.metaspark.app.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.metaspark.core.model.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Whether a checkpoint's run may be continued under the current config. Keys that decide what is
 * computed (model, tasks, algorithm, optimizer, seed, meta-batch) must not change; keys declared
 * {@link Key#changeableOnResume} (how long, where, how it is reported) may, and so may the keys of
 * registry entries neither config selects, which compute nothing.
 */
final class ResumeCheck {
  private ResumeCheck() {}

  /**
   * What differs, as "key (saved -> now)" and, for the network, "the network configuration: path
   * (saved -> now)"; empty when the run can resume. A key the saved config lacks came with a later
   * metaspark: at its default it changes nothing, unless its default changed what is computed
   * ({@link Key#valueBeforeTheKey}). Where both record their resolved network
   * ({@link RunFingerprint}), the network is compared, not the path of model.json-file; where the
   * saved one records its learner, the learner {@code model} gets is compared, not model.learner.
   */
  static List<String> differences(String savedConfig, Config current, Schema schema, ModelSpec model,
      boolean hessianProducts) {
    Config saved = ConfigFactory.parseString(savedConfig);
    boolean byNetwork = RunFingerprint.bothRecordTheNetwork(saved, current);
    TreeSet<String> keys = new TreeSet<>();
    saved.entrySet().forEach(e -> keys.add(e.getKey()));
    current.entrySet().forEach(e -> keys.add(e.getKey()));
    List<String> out = new ArrayList<>();
    for (String k : keys) {
      Optional<Key<?>> key = schema.declaring(k);
      if (RunFingerprint.isResolved(k) || key.map(Key::isChangeableOnResume).orElse(false)
          || (byNetwork && k.equals(ModelSettings.JSON_FILE.path()))) {
        continue;
      }
      String before = value(saved, k, key, schema);
      String now = value(current, k, key, schema);
      boolean comparable = saved.hasPath(k) || key.map(d -> d.valueBeforeTheKeyInConfig() != null).orElse(false)
          || !now.equals(key.map(ResumeCheck::declaredDefault).orElse(now));
      if (comparable && !Objects.equals(before, now)) {
        out.add(k + " (" + before + " -> " + now + ")");
      }
    }
    out.addAll(RunFingerprint.networkDifferences(saved, current));
    out.addAll(RunFingerprint.learnerDifferences(saved, current, model, hessianProducts));
    return out;
  }

  private static String value(Config c, String path, Optional<Key<?>> key, Schema schema) {
    if (key.isPresent() && !schema.used(key.get(), c)) {
      return "unused";
    }
    if (!c.hasPath(path)) {
      Object before = key.map(Key::valueBeforeTheKeyInConfig).orElse(null);
      return before == null ? "unset" : normalized(ConfigValueFactory.fromAnyRef(before).unwrapped());
    }
    return normalized(c.getValue(path).unwrapped());
  }

  private static String declaredDefault(Key<?> key) {
    return normalized(ConfigValueFactory.fromAnyRef(key.defaultInConfig()).unwrapped());
  }

  /** Numbers by value (0.001 and 1e-3, 5 and 5.0 are the same setting), lists and maps element-wise. */
  private static String normalized(Object raw) {
    if (raw instanceof Number n) {
      return String.valueOf(n.doubleValue());
    }
    if (raw instanceof List<?> list) {
      return list.stream().map(ResumeCheck::normalized).toList().toString();
    }
    if (raw instanceof Map<?, ?> map) {
      TreeMap<String, String> sorted = new TreeMap<>();
      map.forEach((k, v) -> sorted.put(String.valueOf(k), normalized(v)));
      return sorted.toString();
    }
    return String.valueOf(raw);
  }
}
