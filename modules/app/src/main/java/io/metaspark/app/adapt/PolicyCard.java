package io.metaspark.app.adapt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.metaspark.core.rl.PolicyGradientAlgorithm;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code policy} section of a policy's {@code model.json} (maml-rl, fomaml-rl): what rebuilds
 * the policy besides the network in {@code model.zip}, and the environments and rollouts it adapts
 * in. The network gives a Gaussian's means or a softmax's logits; a Gaussian's log standard
 * deviations, which are parameters of the policy and not of the network, are kept here.
 *
 * @param distribution {@value #GAUSSIAN} (continuous actions) or {@value #SOFTMAX} (discrete ones)
 * @param logStd a Gaussian's log standard deviations, one per action dimension (empty for softmax):
 *     the meta-parameters after the network's
 * @param environment the environments it was trained on (or, adapted, the one it was adapted to), in words
 * @param settings the config keys the environments and their rollouts were built from, by path
 *     ({@code tasks.family}, {@code tasks.support}, {@code tasks.rl.discount}, ...), with their values
 * @param adaptedTo for a policy adapt saved: the environment, seed, steps, step size, trajectories
 *     and returns of that adaptation; null for a meta-trained one
 */
public record PolicyCard(String distribution, double[] logStd, String environment, Map<String, Object> settings,
    Map<String, Object> adaptedTo) {
  public static final String GAUSSIAN = "gaussian";
  public static final String SOFTMAX = "softmax";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The card of {@code algorithm}'s policy with meta-parameters {@code meta}, trained on {@code environment}. */
  public static PolicyCard of(PolicyGradientAlgorithm algorithm, double[] meta, String environment,
      Map<String, Object> settings) {
    double[] own = Arrays.copyOfRange(meta, algorithm.networkPart(meta).length, meta.length);
    return new PolicyCard(algorithm.actionSpace().discrete() ? SOFTMAX : GAUSSIAN, own, environment, settings, null);
  }

  /** This policy adapted: its new log standard deviations, the environment it was adapted to, and how. */
  public PolicyCard adapted(double[] newLogStd, String adaptedEnvironment, Map<String, Object> how) {
    return new PolicyCard(distribution, newLogStd, adaptedEnvironment, settings, how);
  }

  Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("distribution", distribution);
    if (distribution.equals(GAUSSIAN)) {
      map.put("log_std", logStd);
    }
    map.put("environment", environment);
    map.put("settings", settings);
    if (adaptedTo != null) {
      map.put("adapted_to", adaptedTo);
    }
    return map;
  }

  /** Reads the section; one that is not a policy's is an error saying what is wrong. */
  @SuppressWarnings("unchecked")
  static PolicyCard fromJson(JsonNode json) {
    String distribution = json.path("distribution").asText("");
    if (!distribution.equals(GAUSSIAN) && !distribution.equals(SOFTMAX)) {
      throw new IllegalArgumentException("model.json: policy.distribution is '" + distribution + "'; this metaspark"
          + " knows " + GAUSSIAN + " and " + SOFTMAX);
    }
    double[] logStd = new double[0];
    if (distribution.equals(GAUSSIAN)) {
      if (!json.path("log_std").isArray() || json.get("log_std").isEmpty()) {
        throw new IllegalArgumentException("model.json: a gaussian policy needs policy.log_std, its log standard"
            + " deviations");
      }
      logStd = JSON.convertValue(json.get("log_std"), double[].class);
      for (double l : logStd) {
        if (!Double.isFinite(l)) {
          throw new IllegalArgumentException("model.json: policy.log_std holds " + l + ": " + Arrays.toString(logStd));
        }
      }
    }
    if (!json.path("settings").isObject()) {
      throw new IllegalArgumentException("model.json: the policy has no settings (its environments and rollouts)");
    }
    return new PolicyCard(distribution, logStd, json.path("environment").asText(null),
        JSON.convertValue(json.get("settings"), LinkedHashMap.class),
        json.hasNonNull("adapted_to") ? JSON.convertValue(json.get("adapted_to"), LinkedHashMap.class) : null);
  }
}
