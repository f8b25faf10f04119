package io.metaspark.app.adapt;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.algo.AdamSteps;
import io.metaspark.core.algo.HeadOnlySgd;
import io.metaspark.core.algo.PerLayerPerStepRates;
import io.metaspark.core.algo.PerParameterRates;
import io.metaspark.core.algo.PerStepBatchNorm;
import io.metaspark.core.algo.ScalarSgd;
import io.metaspark.core.algo.UpdateNetwork;
import io.metaspark.core.algo.UpdateRule;
import io.metaspark.core.model.BatchNormParameters;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.model.ParameterLayout;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code model.json}: what a meta-learned initialization needs besides its network
 * ({@code model.zip}) to be adapted as training adapted it, and the facts of the run that made it.
 * The one class that writes and reads it.
 *
 * <p>Format {@value #FORMAT}. The keys of format 1 keep their names and meanings, so scripts that
 * read them keep working; format 1 files (written before the card) are read too: they have no
 * {@code inner_rule}, and their rule was plain SGD.
 *
 * @param innerRule the adaptation's update rule ({@code inner_rule}: "sgd", or "per-parameter" for
 *     Meta-SGD's learned rates, one per network parameter, or "head-sgd" for ANIL's SGD on the
 *     last layer, or "per-layer-per-step" for MAML++'s learned rates, layers x inner steps of them,
 *     or "update-network" for the learned optimizer's network, its weights the learned values, or
 *     "prototypes" for Prototypical Networks, which take no steps; "sgd" and "per-layer-per-step"
 *     followed by "+per-step-batch-norm" for MAML++ with a meta-learned set of batch norm's gamma
 *     and beta per inner step, sets 1 to k - 1 after the rates in the learned values)
 * @param innerLr the rule's step size ({@link io.metaspark.core.algo.UpdateRule#learningRate})
 * @param learnedAdaptation the values the rule learned, the meta-parameters after the network's
 *     (absent from the file when there are none)
 * @param hessianProduct how second-order MAML multiplied by the Hessian ("exact" or
 *     "central-difference"), or null for the other algorithms
 * @param numParams the network's parameters (model.zip's)
 * @param learner the implementation that computed the network in training ({@code learner}: "dense",
 *     "conv-onednn", "conv-onednn-float", ..., as a checkpoint's {@code resolved.learner}), which
 *     adapt takes too; null in cards written before 2026-11-27
 * @param config the training config, rendered; null when unknown
 * @param tasks table tasks' group counts ({@code tasks.json}), or null
 * @param evaluation the final evaluation ({@code evaluation.json}), or null when there was none
 * @param policy a policy's own parameters, environments and rollouts ({@code policy}), or null for
 *     a model that is not a policy
 */
public record ModelCard(String created, String algorithm, String innerRule, int innerSteps, double innerLr,
    double[] learnedAdaptation, String hessianProduct, String taskFamily, long iterations, int metaBatch, long seed,
    int numParams, String init, String learner, String config, Map<String, Object> tasks,
    Map<String, Object> evaluation, PolicyCard policy) {
  public static final String FORMAT = "metaspark-model/2";
  private static final String BEFORE_THE_CARD = "metaspark-model/1";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** The card of a model trained with {@code adaptation}, whose meta-parameters' learned part is {@code learned}. */
  public static ModelCard of(String created, String algorithm, Adaptation adaptation, double[] learned,
      String hessianProduct, String taskFamily, long iterations, int metaBatch, long seed, int numParams, String init,
      String learner, String config, Map<String, Object> tasks, Map<String, Object> evaluation) {
    return new ModelCard(created, algorithm, adaptation.rule().name(), adaptation.steps(),
        adaptation.rule().learningRate(), learned, hessianProduct, taskFamily, iterations, metaBatch, seed, numParams,
        init, learner, config, tasks, evaluation, null);
  }

  /** This card, of a policy: with its own parameters, environments and rollouts. */
  public ModelCard withPolicy(PolicyCard section) {
    return new ModelCard(created, algorithm, innerRule, innerSteps, innerLr, learnedAdaptation, hessianProduct,
        taskFamily, iterations, metaBatch, seed, numParams, init, learner, config, tasks, evaluation, section);
  }

  /**
   * The card of this policy adapted by adapt, made at {@code when}: its policy section replaced, and
   * no evaluation, since the meta-trained policy's says nothing of the adapted one.
   */
  public ModelCard adaptedPolicy(String when, PolicyCard adapted) {
    return new ModelCard(when, algorithm, innerRule, innerSteps, innerLr, learnedAdaptation, hessianProduct,
        taskFamily, iterations, metaBatch, seed, numParams, init, learner, config, tasks, null, adapted);
  }

  /**
   * The adaptation training used, for the network {@code network} (model.zip's); for rules it does
   * not know, an error naming the rule.
   */
  public Adaptation adaptation(ModelSpec network) {
    return byPrototypes() ? Adaptation.prototypes() : new Adaptation(rule(network, innerLr), innerSteps);
  }

  /** The adaptation training used, at another step size: what adapt --lr asks for, for a rule with one rate. */
  public Adaptation adaptation(ModelSpec network, double lr) {
    if (byPrototypes()) {
      return Adaptation.prototypes();
    }
    String adapting = adaptingRule();
    if (adapting.equals("per-parameter") || adapting.equals("per-layer-per-step")) {
      throw new IllegalArgumentException("the model's inner_rule " + innerRule + " adapts at the rates it learned;"
          + " another step size applies to inner_rules sgd and head-sgd only");
    }
    if (adapting.equals("update-network")) {
      throw new IllegalArgumentException("the model's inner_rule update-network takes the steps it learned to take;"
          + " another step size applies to inner_rules sgd and head-sgd only");
    }
    return new Adaptation(rule(network, lr), innerSteps);
  }

  /**
   * The model's inner steps taken by a hand-set optimizer instead of the trained rule, {@code sgd} or
   * {@code adam} at {@code lr}, from the network's parameters alone: what a learned optimizer is
   * compared with (evaluate --rule).
   */
  public static Adaptation handSet(String rule, double lr, int steps) {
    return switch (rule) {
      case "sgd" -> new Adaptation(new ScalarSgd(lr), steps);
      case "adam" -> new Adaptation(new AdamSteps(lr), steps);
      default -> throw new IllegalArgumentException("unknown hand-set rule '" + rule + "'; expected sgd or adam");
    };
  }

  /** Whether the model classifies by prototypes (Prototypical Networks), adapting nothing. */
  private boolean byPrototypes() {
    return innerRule.equals(Adaptation.prototypes().rule().name());
  }

  /**
   * The rule that adapts the network's parameters: {@code inner_rule} without the
   * {@link PerStepBatchNorm} suffix, which says that batch norm's gamma and beta are per-step sets.
   */
  private String adaptingRule() {
    return innerRule.endsWith(PerStepBatchNorm.NAME_SUFFIX)
        ? innerRule.substring(0, innerRule.length() - PerStepBatchNorm.NAME_SUFFIX.length()) : innerRule;
  }

  /** The update rule {@code inner_rule} names, at step size {@code lr}, with as many learned values as it learns. */
  private UpdateRule rule(ModelSpec spec, double lr) {
    ParameterLayout network = spec.layout();
    String adapting = adaptingRule();
    UpdateRule rule = switch (adapting) {
      case "sgd" -> new ScalarSgd(lr);
      case "per-parameter" -> new PerParameterRates(numParams, lr);
      case "per-layer-per-step" -> new PerLayerPerStepRates(network, innerSteps, lr);
      // ANIL's head is the last layer
      case "head-sgd" -> new HeadOnlySgd(network.start(network.layers() - 1), lr);
      // the network's size is its weights' count; its seed only initializes weights, which the card has
      case "update-network" -> new UpdateNetwork(UpdateNetwork.hiddenOf(learnedAdaptation.length), lr, 0);
      default -> throw new IllegalArgumentException("model.json: unknown inner_rule '" + innerRule
          + "'; this metaspark knows sgd, per-parameter, per-layer-per-step, head-sgd, update-network and prototypes,"
          + " and sgd and per-layer-per-step with " + PerStepBatchNorm.NAME_SUFFIX);
    };
    if (!adapting.equals(innerRule)) {
      rule = new PerStepBatchNorm(rule, BatchNormParameters.affine(spec.newNetwork()), innerSteps);
    }
    if (learnedAdaptation.length != rule.learnedValues()) {
      throw new IllegalArgumentException("model.json: inner_rule " + innerRule + " learns " + rule.learnedValues()
          + " values, but learned_adaptation holds " + learnedAdaptation.length);
    }
    return rule;
  }

  /**
   * The meta-parameters of the model whose network parameters are {@code networkParams}: those,
   * then the learned adaptation's values, then a policy's own (a Gaussian's log standard deviations).
   */
  public double[] meta(double[] networkParams) {
    if (networkParams.length != numParams) {
      throw new IllegalArgumentException("model.json is for " + numParams + " parameters, model.zip has "
          + networkParams.length);
    }
    double[] own = policy == null ? new double[0] : policy.logStd();
    double[] meta = Arrays.copyOf(networkParams, networkParams.length + learnedAdaptation.length + own.length);
    System.arraycopy(learnedAdaptation, 0, meta, networkParams.length, learnedAdaptation.length);
    System.arraycopy(own, 0, meta, networkParams.length + learnedAdaptation.length, own.length);
    return meta;
  }

  public String toJson() {
    Map<String, Object> card = new LinkedHashMap<>();
    card.put("format", FORMAT);
    card.put("created", created);
    card.put("algorithm", algorithm);
    card.put("inner_rule", innerRule);
    card.put("inner_steps", innerSteps);
    card.put("inner_lr", innerLr);
    putPresent(card, "learned_adaptation", learnedAdaptation.length > 0 ? learnedAdaptation : null);
    putPresent(card, "hessian_product", hessianProduct);
    card.put("task_family", taskFamily);
    card.put("iterations", iterations);
    card.put("meta_batch", metaBatch);
    card.put("seed", seed);
    card.put("num_params", numParams);
    card.put("init", init);
    putPresent(card, "learner", learner);
    card.put("config", config);
    putPresent(card, "tasks", tasks);
    putPresent(card, "evaluation", evaluation);
    putPresent(card, "policy", policy == null ? null : policy.toMap());
    try {
      return JSON.writeValueAsString(card);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("numbers, strings and maps of them always render", e);
    }
  }

  /** The keys a card may lack are left out when absent, not written as null. */
  private static void putPresent(Map<String, Object> card, String key, Object value) {
    if (value != null) {
      card.put(key, value);
    }
  }

  /** Reads a card of format 2 or 1; a file that is not one is an error saying what is wrong. */
  @SuppressWarnings("unchecked")
  public static ModelCard fromJson(String text) {
    JsonNode json;
    try {
      json = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("model.json is not JSON: " + e.getOriginalMessage());
    }
    String format = json.path("format").asText("");
    if (!format.equals(FORMAT) && !format.equals(BEFORE_THE_CARD)) {
      throw new IllegalArgumentException("model.json has format '" + format + "'; this metaspark reads "
          + BEFORE_THE_CARD + " and " + FORMAT);
    }
    double[] learned = json.has("learned_adaptation")
        ? JSON.convertValue(json.get("learned_adaptation"), double[].class) : new double[0];
    return new ModelCard(json.path("created").asText(null), required(json, "algorithm").asText(),
        json.path("inner_rule").asText("sgd"), required(json, "inner_steps").asInt(),
        required(json, "inner_lr").asDouble(), learned, json.path("hessian_product").asText(null),
        json.path("task_family").asText(null), json.path("iterations").asLong(), json.path("meta_batch").asInt(),
        json.path("seed").asLong(), required(json, "num_params").asInt(), json.path("init").asText(null),
        json.path("learner").asText(null), json.path("config").asText(null),
        json.hasNonNull("tasks") ? JSON.convertValue(json.get("tasks"), Map.class) : null,
        json.hasNonNull("evaluation") ? JSON.convertValue(json.get("evaluation"), Map.class) : null,
        json.hasNonNull("policy") ? PolicyCard.fromJson(json.get("policy")) : null);
  }

  private static JsonNode required(JsonNode json, String key) {
    JsonNode value = json.get(key);
    if (value == null || value.isNull()) {
      throw new IllegalArgumentException("model.json has no " + key);
    }
    return value;
  }
}
