package io.metaspark.app.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import io.metaspark.core.model.ModelSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * What a run computes, as a checkpoint records it: the job's config and, under {@code resolved},
 * what the config resolves to where its text alone does not say: the network configuration, as
 * DL4J reads it, whether it came from {@code model.json-file} (whose content can change under the
 * same path), a preset or the MLP shorthand. Resume compares the recorded network with the one the
 * config gives now, so an edited model file is refused and a moved one is not.
 */
final class RunFingerprint {
  private static final String NETWORK = "resolved.network-configuration";
  private static final ObjectMapper JSON = new ObjectMapper();

  private RunFingerprint() {}

  /** The job's config with its resolved network: what checkpoints store and resume compares. */
  static Config of(Config config, ModelSpec model) {
    return config.withValue(NETWORK, ConfigValueFactory.fromAnyRef(model.configuration().toJson()));
  }

  static String render(Config fingerprint) {
    return fingerprint.root().render(ConfigRenderOptions.defaults().setOriginComments(false).setJson(false));
  }

  /**
   * How the saved run's network differs from the current one, or nothing when it does not or the
   * checkpoint predates the fingerprint (then only the config text is compared).
   */
  static List<String> networkDifferences(Config saved, Config current) {
    if (!saved.hasPath(NETWORK) || !current.hasPath(NETWORK)) {
      return List.of();
    }
    try {
      List<String> differences = JsonDifferences.between(JSON.readTree(saved.getString(NETWORK)),
          JSON.readTree(current.getString(NETWORK)), 5);
      return differences.isEmpty() ? List.of() : List.of("the network configuration (" + String.join("; ", differences)
          + ")");
    } catch (IOException e) {
      throw new UncheckedIOException("a checkpoint's network configuration is not JSON", e);
    }
  }

  /** Whether both record their network, so the network is compared rather than where it came from. */
  static boolean bothRecordTheNetwork(Config saved, Config current) {
    return saved.hasPath(NETWORK) && current.hasPath(NETWORK);
  }

  /** The keys of the resolved section: compared by {@link #networkDifferences}, never as text. */
  static boolean isResolved(String key) {
    return key.startsWith("resolved.");
  }
}
