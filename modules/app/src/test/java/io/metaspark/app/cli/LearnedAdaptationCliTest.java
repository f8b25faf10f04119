package io.metaspark.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.metaspark.app.adapt.ModelCard;
import io.metaspark.app.testing.Console;
import io.metaspark.app.testing.SinusoidTraining;
import io.metaspark.core.model.Learner;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.task.Examples;
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
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Algorithms that learn how to adapt, through the real command line: what they learn is
 * checkpointed and resumes bit for bit, is exported in model.json, and evaluate and adapt adapt with
 * it exactly as training did.
 */
class LearnedAdaptationCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  private int train(String name, int iterations, String... settings) {
    List<String> all = new ArrayList<>(List.of("train.log-every=5", "checkpoint.every=4", "validate.every=0",
        "evaluate.tasks=20", "train.meta-batch=8"));
    all.addAll(Arrays.asList(settings));
    return MetasparkCli.run(SinusoidTraining.args(dir, name, iterations, all));
  }

  private double[] finalParams(String name) throws IOException {
    MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(dir.resolve(name + "/final/model.zip").toFile());
    return net.params().toDoubleVector();
  }

  private ModelCard card(String name) throws IOException {
    return ModelCard.fromJson(Files.readString(dir.resolve(name + "/final/model.json")));
  }

  /**
   * Learned rates that blow up past the steps they were trained for: the advice is about those
   * steps, not a lower inner-lr, which a model with learned rates does not adapt with.
   */
  @Test
  void aDivergedEvaluationOfLearnedRatesAdvisesTheTrainedStepCount() {
    String err = Console.err(() -> assertEquals(4, train("steep", 1, "algorithm.name=meta-sgd",
        "algorithm.inner-lr=50", "evaluate.steps=[0, 1, 10]")));
    assertTrue(err.contains("evaluation diverged") && err.contains("meta-learned (per-parameter) for 1 inner step")
        && err.contains("evaluate at most 1 step"), err);
    assertFalse(err.contains("lower algorithm.inner-lr"), err);
  }

  @Test
  void metaSgdResumesBitForBitAndEvaluateAndAdaptUseTheLearnedRates() throws IOException {
    assertEquals(0, train("straight", 12, "algorithm.name=meta-sgd"));
    assertEquals(0, train("resumed", 6, "algorithm.name=meta-sgd", "evaluate.after-train=false"));
    String log = Console.out(() -> assertEquals(0, train("resumed", 12, "algorithm.name=meta-sgd")));
    assertTrue(log.contains("resuming") && log.contains("at iteration 6"), log);
    assertArrayEquals(finalParams("straight"), finalParams("resumed"), 0.0);
    ModelCard card = card("straight");
    assertArrayEquals(card.learnedAdaptation(), card("resumed").learnedAdaptation(), 0.0);

    assertEquals("per-parameter", card.innerRule());
    double[] rates = card.learnedAdaptation();
    assertEquals(1761, rates.length, "a rate per network parameter");
    assertTrue(Arrays.stream(rates).anyMatch(rate -> rate != 0.01), "the rates were learned, from inner-lr 0.01");

    // evaluate adapts with the learned rates, as train's own evaluation did, whatever the config's inner-lr
    Path model = dir.resolve("straight/final");
    assertEquals(0, MetasparkCli.run("evaluate", "--model", model.toString(), "--config", "../../conf/sinusoid.conf",
        "--set", "evaluate.tasks=20", "--set", "algorithm.inner-lr=0.5", "--master", "local[2]"));
    assertArrayEquals(losses(dir.resolve("straight/evaluation.json")), losses(model.resolve("evaluation.json")),
        1e-12);

    // adapt takes one step theta - a ⊙ g with the learned a
    double[] x = {-4, -2, 0, 1, 3};
    StringBuilder csv = new StringBuilder("x,y\n");
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = 2 * Math.sin(x[i] - 0.3);
      csv.append(x[i]).append(',').append(y[i]).append('\n');
    }
    Files.writeString(dir.resolve("support.csv"), csv);
    assertEquals(0, MetasparkCli.run("adapt", "--model", model.toString(), "--support",
        dir.resolve("support.csv").toString(), "--steps", "1", "--output", dir.resolve("adapted").toString()));
    MultiLayerNetwork trained = ModelSerializer.restoreMultiLayerNetwork(model.resolve("model.zip").toFile());
    Learner learner = ModelSpec.of(trained.getLayerWiseConfigurations()).newLearner();
    double[] theta = trained.params().toDoubleVector();
    double[] gradient = new double[theta.length];
    learner.lossAndGradient(theta, new Examples(Nd4j.create(x, new long[] {x.length, 1}, DataType.DOUBLE),
        Nd4j.create(y, new long[] {y.length, 1}, DataType.DOUBLE)), gradient);
    double[] expected = theta.clone();
    for (int i = 0; i < theta.length; i++) {
      expected[i] -= rates[i] * gradient[i];
    }
    assertArrayEquals(expected, ModelSerializer.restoreMultiLayerNetwork(dir.resolve("adapted/model.zip").toFile())
        .params().toDoubleVector(), 1e-12);

    String err = Console.err(() -> assertEquals(2, MetasparkCli.run("adapt", "--model", model.toString(), "--support",
        dir.resolve("support.csv").toString(), "--lr", "0.5", "--output", dir.resolve("other").toString())));
    assertTrue(err.contains("--lr: the model's inner_rule per-parameter adapts at the rates it learned"), err);
  }

  /** 2 inner steps, all of MAML++'s switches on, annealing across the stop at iteration 6. */
  @Test
  void mamlPlusPlusResumesBitForBitAndEvaluateUsesItsPerLayerPerStepRates() throws IOException {
    String[] settings = {"algorithm.name=maml-plus-plus", "algorithm.inner-steps=2",
        "algorithm.maml-plus-plus.multi-step-loss-iterations=8", "algorithm.maml-plus-plus.first-order-iterations=4",
        "outer.schedule=cosine", "outer.cosine.steps=12"};
    assertEquals(0, train("straight", 12, settings));
    List<String> partial = new ArrayList<>(Arrays.asList(settings));
    partial.add("evaluate.after-train=false");
    assertEquals(0, train("resumed", 6, partial.toArray(String[]::new)));
    assertEquals(0, train("resumed", 12, settings));
    assertArrayEquals(finalParams("straight"), finalParams("resumed"), 0.0);
    ModelCard card = card("straight");
    assertArrayEquals(card.learnedAdaptation(), card("resumed").learnedAdaptation(), 0.0);
    assertEquals("per-layer-per-step", card.innerRule());
    assertEquals(2 * 3, card.learnedAdaptation().length, "2 steps x 3 layers");

    Path model = dir.resolve("straight/final");
    assertEquals(0, MetasparkCli.run("evaluate", "--model", model.toString(), "--config", "../../conf/sinusoid.conf",
        "--set", "evaluate.tasks=20", "--master", "local[2]"));
    assertArrayEquals(losses(dir.resolve("straight/evaluation.json")), losses(model.resolve("evaluation.json")),
        1e-12);
  }

  @Test
  void anilResumesBitForBitAndEvaluateAndAdaptMoveOnlyTheHead() throws IOException {
    assertEquals(0, train("straight", 12, "algorithm.name=anil", "algorithm.inner-lr=0.05"));
    assertEquals(0, train("resumed", 6, "algorithm.name=anil", "algorithm.inner-lr=0.05",
        "evaluate.after-train=false"));
    assertEquals(0, train("resumed", 12, "algorithm.name=anil", "algorithm.inner-lr=0.05"));
    assertArrayEquals(finalParams("straight"), finalParams("resumed"), 0.0);
    ModelCard card = card("straight");
    assertEquals("anil", card.algorithm());
    assertEquals("head-sgd", card.innerRule());

    Path model = dir.resolve("straight/final");
    assertEquals(0, MetasparkCli.run("evaluate", "--model", model.toString(), "--config", "../../conf/sinusoid.conf",
        "--set", "evaluate.tasks=20", "--master", "local[2]"));
    assertArrayEquals(losses(dir.resolve("straight/evaluation.json")), losses(model.resolve("evaluation.json")),
        1e-12);

    Files.writeString(dir.resolve("support.csv"), "x,y\n-3,0.5\n-1,-1.2\n0,0.1\n2,1.7\n4,-0.4\n");
    assertEquals(0, MetasparkCli.run("adapt", "--model", model.toString(), "--support",
        dir.resolve("support.csv").toString(), "--steps", "2", "--output", dir.resolve("adapted").toString()));
    double[] theta = finalParams("straight");
    double[] adapted = ModelSerializer.restoreMultiLayerNetwork(dir.resolve("adapted/model.zip").toFile()).params()
        .toDoubleVector();
    int headStart = theta.length - 41;
    assertArrayEquals(Arrays.copyOf(theta, headStart), Arrays.copyOf(adapted, headStart), 0.0, "the body stays");
    assertTrue(!Arrays.equals(theta, adapted), "the head moved");
  }

  @Test
  void anilOnANetworkWithoutASeparableHeadIsABadConfig() throws IOException {
    Path json = Files.writeString(dir.resolve("tanh-head.json"), new org.deeplearning4j.nn.conf.NeuralNetConfiguration
        .Builder().dataType(DataType.DOUBLE).list()
        .layer(new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder().nIn(1).nOut(8)
            .activation(org.nd4j.linalg.activations.Activation.RELU).build())
        .layer(new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder(
            org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction.MSE).nIn(8).nOut(1)
            .activation(org.nd4j.linalg.activations.Activation.TANH).build())
        .build().toJson());
    String err = Console.err(() -> assertEquals(2, train("nohead", 4, "algorithm.name=anil",
        "model.json-file=" + json)));
    assertTrue(err.contains("algorithm: ANIL adapts the head, the network's last layer")
        && err.contains("its output layer has tanh"), err);
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
