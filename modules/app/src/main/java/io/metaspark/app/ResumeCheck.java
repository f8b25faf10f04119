package io.metaspark.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Whether a checkpoint's run may be continued under the current config. Keys that decide what is
 * computed (model, tasks, algorithm, optimizer, seed, meta-batch) must not change; keys that only
 * say how long, where, or how it is reported may.
 */
final class ResumeCheck {
  /** May change between a checkpoint and its resumption. */
  private static final List<String> MUTABLE = List.of(
      "train.iterations", "train.log-every", "validate.", "evaluate.", "spark.", "checkpoint.", "run.dir",
      "run.stale-lock-after", "run.stop-grace-period");

  /**
   * Keys added after runs were first checkpointed, with the value that computes what a run whose
   * config predates the key computed: such a run resumes only under that value.
   */
  private static final Map<String, String> BEFORE_THE_KEY = Map.of("algorithm.hessian-product", "central-difference",
      "outer.clip-norm", "0.0", "outer.schedule", "constant", "outer.cosine.steps", "0.0",
      "outer.cosine.min-fraction", "0.0");

  private ResumeCheck() {}

  /**
   * What differs, as "key (saved -> now)" and, for the network, "the network configuration: path
   * (saved -> now)"; empty when the run can resume. A key the saved config lacks came with a later
   * metaspark: at its default it changes nothing, unless its default changed what is computed
   * ({@link #BEFORE_THE_KEY}). Where both record their resolved network
   * ({@link RunFingerprint}), the network is compared, not the path of model.json-file.
   */
  static List<String> differences(String savedConfig, Config current) {
    Config saved = ConfigFactory.parseString(savedConfig);
    Config defaults = ConfigLoader.defaults();
    boolean byNetwork = RunFingerprint.bothRecordTheNetwork(saved, current);
    TreeSet<String> keys = new TreeSet<>();
    saved.entrySet().forEach(e -> keys.add(e.getKey()));
    current.entrySet().forEach(e -> keys.add(e.getKey()));
    List<String> out = new ArrayList<>(keys.stream()
        .filter(k -> MUTABLE.stream().noneMatch(m -> m.endsWith(".") ? k.startsWith(m) : k.equals(m)))
        .filter(k -> !RunFingerprint.isResolved(k) && !(byNetwork && k.equals("model.json-file")))
        .filter(k -> saved.hasPath(k) || BEFORE_THE_KEY.containsKey(k)
            || !Objects.equals(value(defaults, k), value(current, k)))
        .filter(k -> !Objects.equals(value(saved, k), value(current, k)))
        .map(k -> k + " (" + value(saved, k) + " -> " + value(current, k) + ")")
        .toList());
    out.addAll(RunFingerprint.networkDifferences(saved, current));
    return out;
  }

  private static String value(Config c, String key) {
    if (key.equals("algorithm.hessian-product") && c.hasPath("algorithm.name")
        && !c.getString("algorithm.name").equals("maml")) {
      // only second-order MAML multiplies by a Hessian
      return "unused";
    }
    if (!c.hasPath(key)) {
      return BEFORE_THE_KEY.getOrDefault(key, "unset");
    }
    return normalized(c.getValue(key).unwrapped());
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
      java.util.TreeMap<String, String> sorted = new java.util.TreeMap<>();
      map.forEach((k, v) -> sorted.put(String.valueOf(k), normalized(v)));
      return sorted.toString();
    }
    return String.valueOf(raw);
  }
}
