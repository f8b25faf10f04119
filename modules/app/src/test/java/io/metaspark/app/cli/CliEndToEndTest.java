package io.metaspark.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.metaspark.app.adapt.ModelCard;
import io.metaspark.app.testing.Console;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

/** The commands a user runs, on a real embedded Spark, against real files. */
class CliEndToEndTest {
  @TempDir
  Path dir;

  @Test
  void trainWritesARunThatPlainDl4jLoadsAndEvaluateReadsBack() throws IOException {
    String[] common = {"--config", "../../conf/sinusoid.conf", "--set", "run.dir=" + dir, "--set", "train.iterations=12",
        "--set", "train.log-every=5", "--set", "evaluate.tasks=20", "--set", "validate.every=6",
        "--set", "validate.tasks=10", "--master", "local[2]"};
    assertEquals(0, MetasparkCli.run(concat(new String[] {"train"}, common)));

    Path run = dir.resolve("sinusoid-maml");
    assertTrue(Files.readString(run.resolve("config.conf")).contains("iterations=12"));
    List<String> metrics = Files.readAllLines(run.resolve("metrics.jsonl"));
    ObjectMapper json = new ObjectMapper();
    // iterations 0, 5, 10 and the last (11), and validations after 6 and 12 iterations
    assertEquals(List.of(0, 5, 6, 10, 11, 12),
        metrics.stream().map(l -> readTree(json, l).get("iteration").asInt()).toList());
    assertEquals(3, readTree(json, metrics.get(2)).get("validation").get("results").size());
    assertTrue(readTree(json, metrics.get(0)).get("query_loss_after").isNumber());

    // the exported model is a plain DL4J model: no metaspark class needed to load it
    File zip = run.resolve("final/model.zip").toFile();
    MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(zip);
    assertEquals(1761, net.numParams());
    JsonNode facts = json.readTree(run.resolve("final/model.json").toFile());
    assertEquals(ModelCard.FORMAT, facts.get("format").asText());
    assertEquals("maml", facts.get("algorithm").asText());
    assertEquals("sgd", facts.get("inner_rule").asText());
    assertEquals(1, facts.get("inner_steps").asInt());
    assertEquals(0.01, facts.get("inner_lr").asDouble());
    assertEquals("exact", facts.get("hessian_product").asText());
    JsonNode trainEval = json.readTree(run.resolve("evaluation.json").toFile());
    assertEquals(20, trainEval.get("tasks").asInt());

    // evaluate the saved model: same tasks (same seed), so the same numbers as train's own evaluation,
    // even under a config with another inner lr: the model is adapted as it was trained to (model.json)
    assertEquals(0, MetasparkCli.run(concat(new String[] {"evaluate", "--model", run.resolve("final").toString(),
        "--set", "algorithm.inner-lr=0.5"}, common)));
    JsonNode again = json.readTree(run.resolve("final/evaluation.json").toFile());
    double[] expected = losses(trainEval);
    assertArrayEquals(expected, losses(again), 1e-12);
    assertEquals(DataType.DOUBLE, net.params().dataType());

    // the morning-after report: a PNG of three charts and a page with the evaluation table
    assertEquals(0, MetasparkCli.run("report", "--run", run.toString()));
    java.awt.image.BufferedImage png = javax.imageio.ImageIO.read(run.resolve("report.png").toFile());
    assertEquals(3 * 560, png.getWidth());
    String html = Files.readString(run.resolve("report.html"));
    assertTrue(html.contains("<img src=\"report.png\"") && html.contains("Evaluation on 20 fresh tasks"), html);

    // adapt the exported model to a new task from 10 examples and predict 5 inputs
    StringBuilder support = new StringBuilder("x,y\n");
    for (int i = 0; i < 10; i++) {
      double x = -4.5 + i;
      support.append(x).append(',').append(3 * Math.sin(x - 1)).append('\n');
    }
    Files.writeString(dir.resolve("support.csv"), support);
    Files.writeString(dir.resolve("inputs.csv"), "-2\n-1\n0\n1\n2\n");
    Path adapted = dir.resolve("adapted");
    String out = Console.out(() -> assertEquals(0, MetasparkCli.run("adapt", "--model", run.resolve("final").toString(),
        "--support", dir.resolve("support.csv").toString(), "--predict", dir.resolve("inputs.csv").toString(),
        "--steps", "5", "--output", adapted.toString())));
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("support loss ([0-9.]+) -> ([0-9.]+)").matcher(out);
    assertTrue(m.find(), out);
    assertTrue(Double.parseDouble(m.group(2)) < Double.parseDouble(m.group(1)), out);
    MultiLayerNetwork adaptedNet = ModelSerializer.restoreMultiLayerNetwork(adapted.resolve("model.zip").toFile());
    List<String> predictions = Files.readAllLines(adapted.resolve("predictions.csv"));
    assertEquals(5, predictions.size());
    double predicted = Double.parseDouble(predictions.get(2).split(",")[1]);
    assertEquals(adaptedNet.output(org.nd4j.linalg.factory.Nd4j.create(new double[][] {{0}}), false).getDouble(0),
        predicted, 1e-12);

    // a malformed file is bad data, exit code 3, named with its line and column
    Files.writeString(dir.resolve("bad.csv"), "1,2\n3,oops\n");
    String err = Console.err(() -> assertEquals(3, MetasparkCli.run("adapt", "--model", run.resolve("final").toString(),
        "--support", dir.resolve("bad.csv").toString(), "--output", adapted.toString())));
    assertTrue(err.contains("bad.csv line 2 column 2: 'oops' is not a number"), err);
  }

  /**
   * On DL4J's own layers second-order MAML falls back to central differences, which are wrong across
   * ReLU kinks: train says so before it starts, naming the layers, and model.json records it.
   */
  @Test
  void mamlOnDl4jLayersOfAReluNetworkIsWarnedAboutAndRecorded() throws IOException {
    String out = Console.out(() -> assertEquals(0, MetasparkCli.run("train", "--config", "../../conf/sinusoid.conf",
        "--set", "run.dir=" + dir, "--set", "train.iterations=2", "--set", "evaluate.after-train=false",
        "--set", "validate.every=0", "--set", "model.learner=dl4j", "--master", "local[1]")));
    String before = out.substring(0, out.indexOf("Spark "));
    assertTrue(before.contains("WARNING: second-order MAML on this network uses central-difference")
        && before.contains("layer 0 (DenseLayer): relu activation"), out);
    JsonNode facts = new ObjectMapper().readTree(dir.resolve("sinusoid-maml/final/model.json").toFile());
    assertEquals("central-difference", facts.get("hessian_product").asText());
  }

  @Test
  void aBadConfigExitsWithCodeTwoBeforeSparkStarts() {
    long start = System.nanoTime();
    assertEquals(2, MetasparkCli.run("train", "--config", "../../conf/sinusoid.conf", "--set", "train.iteratons=5"));
    assertEquals(2, MetasparkCli.run("evaluate", "--model", dir.resolve("nothing").toString(),
        "--config", "../../conf/sinusoid.conf"));
    assertEquals(2, MetasparkCli.run("train", "--no-such-option"));
    assertTrue((System.nanoTime() - start) / 1e9 < 60, "no Spark job should have run");
  }

  /**
   * Baselines beside the meta-learned model, on the same fresh tasks: a short MAML run (300
   * iterations) already adapts in one step far better than its own starting point (scratch), and
   * evaluate reuses the joint network train saved instead of training it again.
   */
  @Test
  void evaluateReportsTheMetaLearnedModelBesideScratchAndJointBaselines() throws IOException {
    String[] common = {"--config", "../../conf/sinusoid.conf", "--set", "run.dir=" + dir, "--set", "train.iterations=300",
        "--set", "train.log-every=100", "--set", "validate.every=0", "--set", "evaluate.tasks=100",
        "--set", "evaluate.baselines=[scratch, joint]", "--set", "evaluate.joint.tasks=200",
        "--set", "evaluate.joint.epochs=2", "--set", "evaluate.joint.batch-size=40",
        "--set", "evaluate.joint.averaging-frequency=10", "--set", "evaluate.joint.lr=0.01", "--master", "local[2]"};
    String trainOut = Console.out(() -> assertEquals(0, MetasparkCli.run(concat(new String[] {"train"}, common))));
    assertTrue(trainOut.contains("joint baseline: training on 200 meta-training tasks"), trainOut);
    Path run = dir.resolve("sinusoid-maml");
    assertTrue(Files.isRegularFile(run.resolve("joint/model.zip")));

    String out = Console.out(() -> assertEquals(0,
        MetasparkCli.run(concat(new String[] {"evaluate", "--model", run.resolve("final").toString()}, common))));
    assertTrue(out.contains("joint baseline: the network in"), "reused, not retrained: " + out);
    for (String group : List.of("meta-learned", "scratch", "joint")) {
      assertTrue(out.lines().anyMatch(l -> l.trim().startsWith(group + " ")), group + " row group in:\n" + out);
    }

    ObjectMapper json = new ObjectMapper();
    JsonNode evaluation = json.readTree(run.resolve("final/evaluation.json").toFile());
    JsonNode scratch = evaluation.get("baselines").get("scratch");
    JsonNode joint = evaluation.get("baselines").get("joint");
    assertEquals(3, scratch.get("results").size());
    assertEquals(200 * 20, joint.get("pooled_examples").asInt());
    assertTrue(joint.get("pooled_loss_after").asDouble() < joint.get("pooled_loss_before").asDouble(), joint.toString());
    // the same tasks as train's own evaluation: the meta-learned rows agree, and so do the baselines'
    JsonNode trainEval = json.readTree(run.resolve("evaluation.json").toFile());
    assertArrayEquals(losses(trainEval), losses(evaluation), 1e-12);
    assertArrayEquals(losses(trainEval.get("baselines").get("joint")), losses(joint), 1e-12);
    // before adaptation the scratch baseline is the untrained model; after one step meta-learning wins by far
    double metaOneStep = evaluation.get("results").get(1).get("query_loss").asDouble();
    double scratchOneStep = scratch.get("results").get(1).get("query_loss").asDouble();
    assertTrue(metaOneStep < 0.7 * scratchOneStep, "meta-learned " + metaOneStep + ", scratch " + scratchOneStep);

    assertEquals(0, MetasparkCli.run("report", "--run", run.toString()));
    String html = Files.readString(run.resolve("report.html"));
    assertTrue(html.contains(">scratch</th>") && html.contains(">joint</th>") && html.contains(">meta-learned</th>"), html);
  }

  private static double[] losses(JsonNode evaluation) {
    JsonNode rows = evaluation.get("results");
    double[] out = new double[rows.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = rows.get(i).get("query_loss").asDouble();
    }
    return out;
  }

  private static JsonNode readTree(ObjectMapper json, String line) {
    try {
      return json.readTree(line);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + line, e);
    }
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = new String[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
