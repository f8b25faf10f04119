package io.metaspark.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.metaspark.app.adapt.ModelCard;
import io.metaspark.app.adapt.ModelExport;
import io.metaspark.app.adapt.SavedModel;
import io.metaspark.app.adapt.SavedPolicy;
import io.metaspark.app.builtin.BuiltIns;
import io.metaspark.app.config.Job;
import io.metaspark.app.run.RunDirectory;
import io.metaspark.app.testing.Console;
import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.algo.ScalarSgd;
import io.metaspark.core.algo.SteppedSgd;
import io.metaspark.core.model.MlpShorthand;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.model.ParameterInit;
import io.metaspark.core.rl.EnvironmentTaskFamily;
import io.metaspark.core.rl.Navigation2d;
import io.metaspark.core.rl.PolicyGradientMaml;
import io.metaspark.core.task.TaskDescriptor;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Saved policies from the command line, as a user takes them away from train: the export holds
 * the whole policy (the network for plain DL4J, the Gaussian's log standard deviations and the
 * environments in model.json); evaluate reproduces train's own evaluation bit for bit; adapt adapts
 * to one given environment and saves the adapted policy; report draws the returns; and what does
 * not fit is refused in one line naming it. One short navigation run and one bandit run, trained once.
 */
class SavedPolicyCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path dir;

  private static Path navigationConf;
  private static Path banditConf;

  @BeforeAll
  static void trainANavigationAndABanditPolicy() throws IOException {
    navigationConf = dir.resolve("navigation.conf");
    Files.writeString(navigationConf, String.join("\n",
        "run { dir = \"" + dir + "\", name = nav }",
        "spark { partitions = 2, conf { \"spark.ui.enabled\" = false } }",
        "tasks { family = navigation-2d, support = 3, query = 3, rl.gae-lambda = 0.9, navigation-2d.horizon = 10 }",
        "model { mlp = \"2-8-2\", data-type = double }",
        "algorithm { name = maml-rl, inner-lr = 0.1, maml-rl.init-log-std = -0.5 }",
        "outer { lr = 0.05 }",
        "train { iterations = 3, meta-batch = 2, log-every = 1 }",
        "evaluate { tasks = 5, steps = [0, 1, 2, 3], trajectories = 4 }"));
    banditConf = dir.resolve("bandit.conf");
    Files.writeString(banditConf, String.join("\n",
        "run { dir = \"" + dir + "\", name = bandit }",
        "spark { partitions = 2, conf { \"spark.ui.enabled\" = false } }",
        "tasks { family = bandit, support = 3, query = 3, rl.discount = 1.0, bandit { arms = 3, pulls = 10 } }",
        "model { mlp = \"1-4-3\", activation = tanh, data-type = double }",
        "algorithm { name = maml-rl, inner-lr = 0.5 }",
        "outer { lr = 0.01 }",
        "train { iterations = 2, meta-batch = 2, log-every = 1 }",
        "evaluate { tasks = 6, steps = [0, 1], trajectories = 4 }"));
    for (Path conf : List.of(navigationConf, banditConf)) {
      Console.out(() ->
          assertEquals(0, MetasparkCli.run("train", "--config", conf.toString(), "--master", "local[2]")));
    }
  }

  private static Path run(String name) {
    return dir.resolve(name);
  }

  private static String model(String name) {
    return run(name).resolve(RunDirectory.FINAL).toString();
  }

  private static JsonNode json(Path file) throws IOException {
    return JSON.readTree(file.toFile());
  }

  /** exit code {@code expected}, one line on stderr, no stack trace: what the user reads. */
  private static String err(int expected, String... args) {
    String err = Console.err(() -> assertEquals(expected, MetasparkCli.run(args), String.join(" ", args)));
    assertEquals(1, err.lines().count(), "one line: " + err);
    assertFalse(err.contains("\tat "), err);
    return err;
  }

  @Test
  void theExportHoldsTheNetworkForPlainDl4jAndTheLogStandardDeviationsAndEnvironmentsInTheCard() throws Exception {
    JsonNode card = json(run("nav").resolve("final/model.json"));
    JsonNode policy = card.get("policy");
    assertEquals("gaussian", policy.get("distribution").asText(), card.toString());
    assertEquals(2, policy.get("log_std").size(), policy.toString());
    for (JsonNode l : policy.get("log_std")) {
      // started at -0.5 and moved by three Adam steps of 0.05
      assertNotEquals(-0.5, l.asDouble(), policy.toString());
      assertTrue(Math.abs(l.asDouble() + 0.5) < 0.2, policy.toString());
    }
    JsonNode settings = policy.get("settings");
    assertEquals("navigation-2d", settings.get("tasks.family").asText());
    assertEquals(10, settings.get("tasks.navigation-2d.horizon").asInt());
    assertEquals(0.9, settings.get("tasks.rl.gae-lambda").asDouble());
    assertEquals(0.99, settings.get("tasks.rl.discount").asDouble());
    assertEquals(3, settings.get("tasks.support").asInt());
    assertEquals(0.1, card.get("inner_lr").asDouble());
    assertEquals(1, card.get("inner_steps").asInt());

    MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(run("nav").resolve("final/model.zip").toFile());
    assertEquals(card.get("num_params").asInt(), net.numParams());
    assertEquals(2, net.layerInputSize(0));

    JsonNode bandit = json(run("bandit").resolve("final/model.json")).get("policy");
    assertEquals("softmax", bandit.get("distribution").asText(), bandit.toString());
    assertFalse(bandit.has("log_std"), bandit.toString());
    assertEquals(3, bandit.get("settings").get("tasks.bandit.arms").asInt());
  }

  @Test
  void evaluateReproducesTrainsEvaluationBitForBitAndTakesItsOwnSeed() throws IOException {
    // trained on local[2] with 2 partitions, evaluated on local[1] with 3
    String out = Console.out(() -> assertEquals(0, MetasparkCli.run("evaluate", "--model", model("nav"), "--config",
        navigationConf.toString(), "--master", "local[1]", "--set", "spark.partitions=3")));
    assertTrue(out.contains("gaussian policy") && out.contains("evaluation: 5 fresh tasks (seed 7), 4 trajectories"
        + " per step"), out);
    JsonNode trained = json(run("nav").resolve("evaluation.json"));
    assertEquals(trained, json(run("nav").resolve("final/evaluation.json")));
    assertEquals(4, trained.get("returns").size());

    // another seed: other environments, the same shape
    Console.out(() -> assertEquals(0, MetasparkCli.run("evaluate", "--model", model("nav"), "--config",
        navigationConf.toString(), "--master", "local[2]", "--set", "evaluate.seed=11", "--output", "seed-11.json")));
    JsonNode other = json(run("nav").resolve("final/seed-11.json"));
    assertEquals(11, other.get("seed").asInt());
    assertEquals(trained.get("returns").size(), other.get("returns").size());
    assertNotEquals(trained.get("returns"), other.get("returns"));

    // the test's own step sizes (the MAML code tests at 0.5, then 0.25): training's rate first, then
    // another, changes the returns after two steps and not those before
    String stepped = Console.out(() -> assertEquals(0, MetasparkCli.run("evaluate", "--model", model("nav"),
        "--config", navigationConf.toString(), "--master", "local[2]", "--set", "evaluate.step-sizes=[0.1, 0.4]",
        "--output", "stepped.json")));
    assertTrue(stepped.contains("4 trajectories per step, at lr 0.1, 0.4 by step"), stepped);
    JsonNode steppedEvaluation = json(run("nav").resolve("final/stepped.json"));
    assertEquals("[0.1,0.4]", steppedEvaluation.get("step_sizes").toString());
    assertEquals("[0.1]", trained.get("step_sizes").toString());
    JsonNode steppedReturns = steppedEvaluation.get("returns");
    assertEquals(trained.get("returns").get(0), steppedReturns.get(0));
    assertEquals(trained.get("returns").get(1), steppedReturns.get(1));
    assertNotEquals(trained.get("returns").get(2), steppedReturns.get(2));

    // bandits: the strategies beside the policy, as train prints them
    String bandit = Console.out(() -> assertEquals(0, MetasparkCli.run("evaluate", "--model", model("bandit"),
        "--config", banditConf.toString(), "--master", "local[2]")));
    assertTrue(bandit.contains("the same 6 bandits, 4 episodes each:") && bandit.contains("thompson"), bandit);
    assertEquals(json(run("bandit").resolve("evaluation.json")), json(run("bandit").resolve("final/evaluation.json")));
  }

  @Test
  void adaptAdaptsToAGivenGoalAndSavesTheAdaptedNetworkAndLogStandardDeviations() throws Exception {
    Path adapted = dir.resolve("adapted-nav");
    String out = Console.out(() -> assertEquals(0, MetasparkCli.run("adapt", "--model", model("nav"), "--goal",
        "0.3,-0.2", "--steps", "2", "--seed", "5", "--output", adapted.toString())));
    assertTrue(out.contains("navigation-2d with its goal at (0.3, -0.2) (seed 5): 2 step(s)"), out);
    assertTrue(out.contains("3 trajectories each"), "tasks.support by default: " + out);
    assertTrue(out.contains("before") && out.contains("after 2 step(s)"), out);

    // what adapt saved is what the policy-gradient steps give, from the saved policy, on that environment
    SavedPolicy saved = SavedPolicy.of(SavedModel.read(model("nav"), new Configuration()));
    Navigation2d goal = ((Navigation2d) saved.tasks().environments()).withGoal(0.3, -0.2);
    PolicyGradientMaml algorithm = saved.adaptingIn(goal, saved.model().adaptation());
    double[] returns = new double[3];
    double[] expected = algorithm.adapt(saved.model().spec().newLearner(), saved.meta(),
        new EnvironmentTaskFamily(goal, saved.tasks().rollouts()).open(new TaskDescriptor(-1, 0, 5), DataType.DOUBLE),
        2, 3, returns);
    SavedModel written = SavedModel.read(adapted.toString(), new Configuration());
    assertArrayEquals(expected, written.meta(), 0);
    assertFalse(java.util.Arrays.equals(saved.meta(), written.meta()));
    JsonNode how = json(adapted.resolve("model.json")).get("policy").get("adapted_to");
    assertEquals(5, how.get("seed").asInt());
    assertEquals(2, how.get("steps").asInt());
    assertArrayEquals(returns, JSON.convertValue(how.get("returns"), double[].class), 0);
    assertTrue(out.contains(String.format(java.util.Locale.ROOT, "average return %.2f before, %.2f after", returns[0],
        returns[2])), out);
    ModelSerializer.restoreMultiLayerNetwork(adapted.resolve("model.zip").toFile());

    // the adapted policy is a saved policy like any other: evaluate takes it
    Console.out(() -> assertEquals(0, MetasparkCli.run("evaluate", "--model", adapted.toString(), "--config",
        navigationConf.toString(), "--master", "local[1]", "--set", "evaluate.steps=[0]")));
    assertTrue(Files.exists(adapted.resolve("evaluation.json")));
  }

  @Test
  void adaptTakesABanditsArmsOrTheEnvironmentOfASeed() throws IOException {
    Path arms = dir.resolve("adapted-arms");
    String out = Console.out(() -> assertEquals(0, MetasparkCli.run("adapt", "--model", model("bandit"), "--arms",
        "0.1,0.9,0.2", "--trajectories", "5", "--output", arms.toString())));
    assertTrue(out.contains("a bandit with arm probabilities [0.1, 0.9, 0.2] (seed 0): 1 step(s)"), out);
    assertTrue(out.contains("5 trajectories each"), out);
    assertTrue(json(arms.resolve("model.json")).get("policy").get("environment").asText()
        .contains("p = [0.1, 0.9, 0.2]"));

    Path seeded = dir.resolve("adapted-seed");
    String drawn = Console.out(() -> assertEquals(0, MetasparkCli.run("adapt", "--model", model("nav"), "--seed", "3",
        "--output", seeded.toString())));
    double[] goal = ((Navigation2d) SavedPolicy.of(SavedModel.read(model("nav"), new Configuration())).tasks()
        .environments()).create(3).goal();
    assertTrue(drawn.contains("navigation-2d with its goal at (" + goal[0] + ", " + goal[1] + ") (seed 3)"), drawn);
  }

  /** The MAML code tests navigation at 0.5 and then 0.25: adapt steps as evaluate.step-sizes does. */
  @Test
  void adaptTakesAStepSizePerStep() throws Exception {
    Path adapted = dir.resolve("adapted-stepped");
    String out = Console.out(() -> assertEquals(0, MetasparkCli.run("adapt", "--model", model("nav"), "--goal",
        "0.3,-0.2", "--steps", "3", "--seed", "5", "--step-sizes", "0.2,0.05", "--output", adapted.toString())));
    assertTrue(out.contains("3 step(s) at lr 0.2, 0.05 by step"), out);

    SavedPolicy saved = SavedPolicy.of(SavedModel.read(model("nav"), new Configuration()));
    Navigation2d goal = ((Navigation2d) saved.tasks().environments()).withGoal(0.3, -0.2);
    PolicyGradientMaml algorithm = saved.adaptingIn(goal, new Adaptation(new SteppedSgd(0.2, 0.05), 1));
    double[] expected = algorithm.adapt(saved.model().spec().newLearner(), saved.meta(),
        new EnvironmentTaskFamily(goal, saved.tasks().rollouts()).open(new TaskDescriptor(-1, 0, 5), DataType.DOUBLE),
        3, 3, new double[4]);
    assertArrayEquals(expected, SavedModel.read(adapted.toString(), new Configuration()).meta(), 0);
    PolicyGradientMaml constant = saved.adaptingIn(goal, new Adaptation(new ScalarSgd(0.2), 1));
    double[] atOneRate = constant.adapt(saved.model().spec().newLearner(), saved.meta(),
        new EnvironmentTaskFamily(goal, saved.tasks().rollouts()).open(new TaskDescriptor(-1, 0, 5), DataType.DOUBLE),
        3, 3, new double[4]);
    assertFalse(java.util.Arrays.equals(expected, atOneRate), "the second and third steps took the second size");
    assertArrayEquals(new double[] {0.2, 0.05}, JSON.convertValue(json(adapted.resolve("model.json")).get("policy")
        .get("adapted_to").get("step_sizes"), double[].class), 0);
  }

  @Test
  void reportDrawsTheReturnsOfTrainingAndOfTheEvaluation() throws IOException {
    String out = Console.out(() -> assertEquals(0, MetasparkCli.run("report", "--run", run("bandit").toString())));
    assertTrue(out.contains("report.png"), out);
    assertTrue(Files.size(run("bandit").resolve("report.png")) > 0);
    String html = Files.readString(run("bandit").resolve("report.html"));
    JsonNode evaluation = json(run("bandit").resolve("evaluation.json"));
    assertTrue(html.contains("<th>average return</th>"), html);
    for (JsonNode row : evaluation.get("returns")) {
      assertTrue(html.contains(String.format(java.util.Locale.ROOT, "<td>%d</td><td>%.2f</td>",
          row.get("steps").asInt(), row.get("average_return").asDouble())), html);
    }
    assertTrue(html.contains("<th>thompson</th>"), html);
    assertFalse(html.contains("query loss"), html);
  }

  @Test
  void whatDoesNotFitThePolicyIsRefusedNamingIt() throws IOException {
    String wrongFamily = err(2, "evaluate", "--model", model("nav"), "--config", banditConf.toString(), "--master",
        "local[1]");
    assertTrue(wrongFamily.contains("is a policy for navigation-2d") && wrongFamily.contains("not for bandit(3"),
        wrongFamily);
    String supervisedConfig = err(2, "evaluate", "--model", model("nav"), "--config", "../../conf/sinusoid.conf",
        "--master", "local[1]");
    assertTrue(supervisedConfig.contains("tasks.family = navigation-2d") && supervisedConfig.contains("sinusoid"),
        supervisedConfig);
    String units = err(2, "evaluate", "--model", model("nav"), "--config", navigationConf.toString(), "--master",
        "local[1]", "--set", "tasks.navigation-2d.actions=normalized");
    assertTrue(units.contains("not for navigation-2d(goal U[-0.5, 0.5]^2, horizon 10, actions normalized")
        && units.contains("(tasks.navigation-2d.actions = normalized), which the config's tasks are"), units);
    String rule = err(2, "evaluate", "--model", model("nav"), "--config", navigationConf.toString(), "--rule", "sgd",
        "--lr", "0.1");
    assertTrue(rule.contains("is a policy"), rule);
    String notAPolicy = err(2, "evaluate", "--model", supervisedModel(), "--config", navigationConf.toString(),
        "--master", "local[1]");
    assertTrue(notAPolicy.contains("is not a policy") && notAPolicy.contains("navigation-2d"), notAPolicy);

    Path nowhere = dir.resolve("not-written");
    String farGoal = err(2, "adapt", "--model", model("nav"), "--goal", "0.7,-0.2", "--output", nowhere.toString());
    assertTrue(farGoal.contains("--goal 0.7,-0.2") && farGoal.contains("[-0.5, 0.5]^2"), farGoal);
    String armsForNavigation = err(2, "adapt", "--model", model("nav"), "--arms", "0.1,0.2", "--output",
        nowhere.toString());
    assertTrue(armsForNavigation.contains("--arms") && armsForNavigation.contains("give its goal with --goal"),
        armsForNavigation);
    String armCount = err(2, "adapt", "--model", model("bandit"), "--arms", "0.1,0.2", "--output", nowhere.toString());
    assertTrue(armCount.contains("--arms 0.1,0.2: 2 arm probabilities") && armCount.contains("3 arms"), armCount);
    String probability = err(2, "adapt", "--model", model("bandit"), "--arms", "0.1,1.2,0.3", "--output",
        nowhere.toString());
    assertTrue(probability.contains("arm 1's probability 1.2"), probability);
    String examples = err(2, "adapt", "--model", model("nav"), "--support", navigationConf.toString(), "--output",
        nowhere.toString());
    assertTrue(examples.contains("is a policy for navigation-2d") && examples.contains("--goal"), examples);
    String goalOfSupervised = err(2, "adapt", "--model", supervisedModel(), "--goal", "0.1,0.1", "--output",
        nowhere.toString());
    assertTrue(goalOfSupervised.contains("is not a policy") && goalOfSupervised.contains("--support"),
        goalOfSupervised);
    String trajectories = err(2, "adapt", "--model", model("nav"), "--seed", "1", "--trajectories", "0", "--output",
        nowhere.toString());
    assertTrue(trajectories.contains("--trajectories must be >= 1, got 0"), trajectories);
    String bothRates = err(2, "adapt", "--model", model("nav"), "--seed", "1", "--lr", "0.1", "--step-sizes", "0.5,0.25",
        "--output", nowhere.toString());
    assertTrue(bothRates.contains("--lr and --step-sizes both set the step size"), bothRates);
    String negative = err(2, "adapt", "--model", model("nav"), "--seed", "1", "--step-sizes", "0.5,-0.25", "--output",
        nowhere.toString());
    assertTrue(negative.contains("--step-sizes: step sizes must be positive numbers, got [0.5, -0.25]"), negative);
    String steppedSupervised = err(2, "adapt", "--model", supervisedModel(), "--support", navigationConf.toString(),
        "--step-sizes", "0.5,0.25", "--output", nowhere.toString());
    assertTrue(steppedSupervised.contains("--step-sizes adapts a policy"), steppedSupervised);
    assertFalse(Files.exists(nowhere), "nothing saved before the options are checked");
  }

  /** A model.json edited out of step with its network or environments: named, nothing adapted. */
  @Test
  void aPolicyCardThatDoesNotFitItsNetworkIsRefused() throws IOException {
    Path edited = dir.resolve("edited-nav");
    Files.createDirectories(edited);
    Files.copy(run("nav").resolve("final/model.zip"), edited.resolve("model.zip"));
    String card = Files.readString(run("nav").resolve("final/model.json"));
    Files.writeString(edited.resolve("model.json"), card.replaceFirst("\"log_std\" : \\[", "\"log_std\" : [ 0.5,"));
    String logStd = err(2, "adapt", "--model", edited.toString(), "--seed", "1", "--output",
        dir.resolve("not-adapted").toString());
    assertTrue(logStd.contains("has 3 log standard deviations") && logStd.contains("2-dimensional continuous"), logStd);
    Files.writeString(edited.resolve("model.json"), card.replace("\"tasks.family\" : \"navigation-2d\"",
        "\"tasks.family\" : \"bandit\""));
    String family = err(2, "adapt", "--model", edited.toString(), "--seed", "1", "--output",
        dir.resolve("not-adapted").toString());
    assertTrue(family.contains("is a gaussian policy (model.json) for 5 discrete actions"), family);
    assertFalse(Files.exists(dir.resolve("not-adapted")));
  }

  /** A sinusoid model as train exports it: a supervised one. */
  private static String supervisedModel() throws IOException {
    Path out = dir.resolve("sinusoid-model");
    if (!Files.exists(out.resolve(ModelExport.FACTS))) {
      ModelSpec spec = MlpShorthand.parse("1-8-1").activation("relu").dataType(DataType.DOUBLE).seed(1).toSpec();
      double[] params = ParameterInit.named("fan-in-uniform").initialParams(spec, 1);
      ModelCard card = ModelCard.of("2026-11-26T00:00:00Z", "maml", new Adaptation(new ScalarSgd(0.01), 1),
          new double[0], "exact", "sinusoid", 0, 25, 42, params.length, "fan-in-uniform", "dense",
          Job.load(new File("../../conf/sinusoid.conf"), List.of(), BuiltIns.registries()).render(), null, null);
      ModelExport.write(RunDirectory.openOrCreate(out.toString(), new Configuration()), spec, params, card);
    }
    return out.toString();
  }
}
