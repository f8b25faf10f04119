package io.metaspark.app.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import io.metaspark.core.model.LearnerChoice;
import io.metaspark.core.model.ModelSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/**
 * What a run computes, as a checkpoint records it: the job's config and, under {@code resolved},
 * what the config resolves to where its text alone does not say: the network configuration, as
 * DL4J reads it, whether it came from {@code model.json-file} (whose content can change under the
 * same path), a preset or the MLP shorthand; and the implementation {@code model.learner} gives for
 * it, whose float rounding is its own and whose meaning under {@code auto} changes between versions.
 * Resume compares the recorded network with the one the config gives now, so an edited model file
 * is refused and a moved one is not, and the recorded implementation, so a run continues only on
 * the arithmetic it started with, whatever {@code model.learner} is called now.
 */
final class RunFingerprint {
  private static final String NETWORK = "resolved.network-configuration";
  private static final String LEARNER = "resolved.learner";
  private static final ObjectMapper JSON = new ObjectMapper();

  private RunFingerprint() {}

  /** The job's config with its resolved network and learner: what checkpoints store and resume compares. */
  static Config of(Config config, ModelSpec model, LearnerChoice learner) {
    return config.withValue(NETWORK, ConfigValueFactory.fromAnyRef(model.configuration().toJson()))
        .withValue(LEARNER, ConfigValueFactory.fromAnyRef(learner.implementation(model)));
  }

  /**
   * How the saved run's learner differs from the current one, with the model.learner that continues
   * it under the run's algorithm (which does or does not ask Hessian-vector products); nothing when
   * it does not differ or the checkpoint predates the record ({@link #unrecordedLearner}).
   */
  static List<String> learnerDifferences(Config saved, Config current, ModelSpec model, boolean hessianProducts) {
    if (!saved.hasPath(LEARNER) || saved.getString(LEARNER).equals(current.getString(LEARNER))) {
      return List.of();
    }
    String before = saved.getString(LEARNER);
    String remedy = LearnerChoice.giving(before, model, hessianProducts)
        .map(c -> "; --set " + ModelSettings.LEARNER.path() + "=" + c.configName() + " continues it").orElse("");
    return List.of("the learner (" + before + " -> " + current.getString(LEARNER) + remedy + ")");
  }

  /**
   * For a checkpoint that does not record its learner (written before 2026-11-27) of a network whose
   * convolution route decides the rounding: which one continues it, and how to choose the other.
   */
  static Optional<String> unrecordedLearner(Config saved, Config current) {
    String now = current.getString(LEARNER);
    if (saved.hasPath(LEARNER) || !now.startsWith("conv-")) {
      return Optional.empty();
    }
    return Optional.of("the checkpoint does not record which learner its run computed with (it predates"
        + " 2026-11-27); continuing with " + now + ". A run started with model.learner = auto before 2026-11-26"
        + " computed with conv-libnd4j-java-first: --set " + ModelSettings.LEARNER.path()
        + "=libnd4j continues it on its own arithmetic");
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
