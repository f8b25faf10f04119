package io.metaspark.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.metaspark.app.adapt.ModelCard;
import io.metaspark.app.testing.Console;
import io.metaspark.core.algo.UpdateNetwork;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.model.ParameterInit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The learned optimizer on conf/quadratic.conf through the real command line: its update network's
 * weights are meta-trained, checkpointed and resumed bit for bit (on another number of executor
 * threads), exported in model.json, and evaluate adapts with them exactly as training's evaluation
 * did; evaluate --rule runs the hand-set optimizers it is compared with on the same tasks.
 */
class LearnedOptimizerCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  private int train(String name, int iterations, String master, String... settings) {
    List<String> args = new ArrayList<>(List.of("train", "--config", "../../conf/quadratic.conf", "--master", master));
    List<String> all = new ArrayList<>(List.of("run.dir=" + dir, "run.name=" + name, "train.iterations=" + iterations,
        "train.log-every=2", "checkpoint.every=2", "evaluate.tasks=20", "train.meta-batch=6",
        "algorithm.inner-steps=5", "algorithm.learned-optimizer.hidden=6"));
    all.addAll(Arrays.asList(settings));
    all.forEach(setting -> args.addAll(List.of("--set", setting)));
    return MetasparkCli.run(args.toArray(String[]::new));
  }

  private ModelCard card(String name) throws IOException {
    return ModelCard.fromJson(Files.readString(dir.resolve(name + "/final/model.json")));
  }

  @Test
  void theUpdateNetworkResumesBitForBitAndEvaluateAdaptsWithIt() throws IOException {
    assertEquals(0, train("straight", 8, "local[2]"));
    assertEquals(0, train("resumed", 4, "local[1]", "evaluate.after-train=false"));
    String log = Console.out(() -> assertEquals(0, train("resumed", 8, "local[2]")));
    assertTrue(log.contains("resuming") && log.contains("at iteration 4"), log);
    ModelCard card = card("straight");
    assertArrayEquals(card.learnedAdaptation(), card("resumed").learnedAdaptation(), 0.0);

    assertEquals("update-network", card.innerRule());
    assertEquals(6 * (UpdateNetwork.FEATURES + 2) + 1, card.learnedAdaptation().length);
    double[] initialWeights = new double[card.learnedAdaptation().length];
    new UpdateNetwork(6, 0.1, 1).initLearned(initialWeights);
    assertFalse(Arrays.equals(initialWeights, card.learnedAdaptation()), "the weights were meta-trained");
    MultiLayerNetwork network = ModelSerializer.restoreMultiLayerNetwork(
        dir.resolve("straight/final/model.zip").toFile());
    assertArrayEquals(ParameterInit.FAN_IN_UNIFORM.initialParams(ModelSpec.of(network.getLayerWiseConfigurations()), 1),
        network.params().toDoubleVector(), 0.0, "the initialization is not learned");

    Path model = dir.resolve("straight/final");
    assertEquals(0, evaluate(model, "--output", "again.json"));
    double[] learned = losses(model.resolve("again.json"));
    assertArrayEquals(losses(dir.resolve("straight/evaluation.json")), learned, 1e-12);

    assertEquals(0, evaluate(model, "--rule", "adam", "--lr", "0.1", "--output", "adam.json"));
    double[] adam = losses(model.resolve("adam.json"));
    assertEquals(learned[0], adam[0], 0.0, "the same tasks, from the same start");
    assertTrue(learned[3] != adam[3], "another optimizer, other steps");

    String err = Console.err(() -> assertEquals(2, evaluate(model, "--rule", "adam")));
    assertTrue(err.contains("--rule and --lr go together"), err);
    err = Console.err(() -> assertEquals(2, evaluate(model, "--rule", "rmsprop", "--lr", "0.1")));
    assertTrue(err.contains("unknown hand-set rule 'rmsprop'; expected sgd or adam"), err);
  }

  @Test
  void impossibleCombinationsAreBadConfigs() {
    String err = Console.err(() -> assertEquals(2, train("nosteps", 2, "local[2]", "algorithm.inner-steps=0")));
    assertTrue(err.contains("learned-optimizer learns from the steps it takes: algorithm.inner-steps must be >= 1"),
        err);
    err = Console.err(() -> assertEquals(2, train("wide", 2, "local[2]", "model.mlp=1-40-1")));
    assertTrue(err.contains("tasks.quadratic.dimension = 10 needs a model with 10 inputs and 1 output, got 1 and 1"),
        err);
  }

  private static int evaluate(Path model, String... options) {
    List<String> args = new ArrayList<>(List.of("evaluate", "--model", model.toString(), "--config",
        "../../conf/quadratic.conf", "--set", "evaluate.tasks=20", "--master", "local[2]"));
    args.addAll(Arrays.asList(options));
    return MetasparkCli.run(args.toArray(String[]::new));
  }

  private static double[] losses(Path evaluation) throws IOException {
    JsonNode results = JSON.readTree(evaluation.toFile()).get("results");
    double[] losses = new double[results.size()];
    for (int i = 0; i < losses.length; i++) {
      losses[i] = results.get(i).get("query_loss").asDouble();
    }
    return losses;
  }
}
