package io.metaspark.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.app.adapt.ModelCard;
import io.metaspark.app.adapt.ModelExport;
import io.metaspark.app.builtin.BuiltIns;
import io.metaspark.app.config.Job;
import io.metaspark.app.run.RunDirectory;
import io.metaspark.app.testing.Console;
import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.algo.ScalarSgd;
import io.metaspark.core.model.Conv4;
import io.metaspark.core.model.MlpShorthand;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.model.ParameterInit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * What a user gets wrong on the command line, and what they are told: one line naming the bad
 * value, with the exit code that says whose fault it is (2: the command or config, 3: the data,
 * 4: the numbers diverged), never a stack trace, and nothing saved before the inputs are checked.
 */
class CliInputErrorsTest {
  private static final String SINUSOID = "../../conf/sinusoid.conf";

  @TempDir
  Path dir;

  /** A model directory as train exports it: the sinusoid MLP, or a 3-way conv4 trained on images. */
  private Path model(String name, ModelSpec spec, List<String> config) throws IOException {
    return model(name, spec, config, 0.01);
  }

  /** ... trained to adapt with SGD steps of {@code innerLr}, as its model.json says. */
  private Path model(String name, ModelSpec spec, List<String> config, double innerLr) throws IOException {
    double[] params = ParameterInit.named("fan-in-uniform").initialParams(spec, 1);
    ModelCard card = ModelCard.of("2026-11-25T00:00:00Z", "maml", new Adaptation(new ScalarSgd(innerLr), 1), new double[0],
        "exact", "test tasks", 0, 25, 42, params.length, "fan-in-uniform", "dense",
        Job.load(new java.io.File(SINUSOID), config, BuiltIns.registries()).render(), null, null);
    RunDirectory out = RunDirectory.openOrCreate(dir.resolve(name).toString(), new Configuration());
    ModelExport.write(out, spec, params, card);
    return dir.resolve(name);
  }

  private Path sinusoidModel() throws IOException {
    return model("sinusoid", MlpShorthand.parse("1-40-40-1").activation("relu").dataType(DataType.DOUBLE).seed(1)
        .toSpec(), List.of());
  }

  private Path imageModel() throws IOException {
    String glyphs = Path.of("../../src-test-data/glyphs/images_background").toAbsolutePath().toString();
    return model("glyphs", Conv4.of(28, 3).filters(4).downsample("stride").dataType(DataType.FLOAT).seed(1).toSpec(),
        List.of("tasks.family=images", "model.preset=conv4", "tasks.images.ways=3",
            "tasks.images.locations=[\"" + glyphs + "\"]"));
  }

  private static String err(int expectedExit, String... args) {
    String err = Console.err(() -> assertEquals(expectedExit, MetasparkCli.run(args), String.join(" ", args)));
    assertEquals(1, err.lines().count(), "one line: " + err);
    assertFalse(err.contains("\tat ") || err.contains("failed:"), err);
    return err;
  }

  @Test
  void aBadMasterIsAUsageError() {
    String err = err(2, "train", "--config", SINUSOID, "--master", "nonsense://x", "--set", "run.dir=" + dir);
    assertTrue(err.contains("--master") && err.contains("nonsense://x"), err);
  }

  @Test
  void anUnknownKeyGivenWithSetIsBlamedOnSet() {
    String err = err(2, "train", "--config", SINUSOID, "--set", "train.iteratons=5");
    assertTrue(err.contains("unknown config key 'train.iteratons' given with --set"), err);
    assertFalse(err.contains("in " + SINUSOID), err);
  }

  @Test
  void adaptRefusesABadStepCountOrStepSizeAndAnUnreadablePredictFileBeforeSavingAnything() throws IOException {
    Path model = sinusoidModel();
    Path support = Files.writeString(dir.resolve("support.csv"), "x,y\n0.5,1.0\n1.5,2.0\n");
    Path adapted = dir.resolve("adapted");
    for (String[] bad : List.of(new String[] {"--lr", "-1"}, new String[] {"--lr", "NaN"},
        new String[] {"--steps", "-3"})) {
      String err = err(2, "adapt", "--model", model.toString(), "--support", support.toString(), bad[0], bad[1],
          "--output", adapted.toString());
      assertTrue(err.contains(bad[0]) && err.contains(bad[1]), err);
    }
    String missing = err(3, "adapt", "--model", model.toString(), "--support", support.toString(),
        "--predict", dir.resolve("no-such.csv").toString(), "--output", adapted.toString());
    assertTrue(missing.contains("no-such.csv"), missing);
    Path wide = Files.writeString(dir.resolve("wide.csv"), "1,2\n3,4\n");
    String columns = err(3, "adapt", "--model", model.toString(), "--support", support.toString(),
        "--predict", wide.toString(), "--output", adapted.toString());
    assertTrue(columns.contains("wide.csv line 1: 2 columns, expected 1"), columns);
    assertFalse(Files.exists(adapted.resolve("model.zip")), "nothing saved before the inputs were checked");
  }

  @Test
  void adaptSaysWhichExamplesAModelTakes() throws IOException {
    Path image = imageModel();
    Path support = Files.writeString(dir.resolve("support.csv"), "1,0,0,1\n0,1,0,0\n");
    String csvOnImages = err(2, "adapt", "--model", image.toString(), "--support", support.toString(),
        "--output", dir.resolve("a").toString());
    assertTrue(csvOnImages.contains("--support-images"), csvOnImages);
    Files.createDirectories(dir.resolve("classes/a"));
    String imagesOnMlp = err(2, "adapt", "--model", sinusoidModel().toString(), "--support-images",
        dir.resolve("classes").toString(), "--output", dir.resolve("b").toString());
    assertTrue(imagesOnMlp.contains("--support"), imagesOnMlp);
  }

  /** A model is evaluated on the config's tasks: if it cannot take them, the config does not fit it. */
  @Test
  void evaluateWithAConfigThatDoesNotFitTheModelIsAConfigError() throws IOException {
    String err = err(2, "evaluate", "--model", imageModel().toString(), "--config", SINUSOID, "--master", "local[2]",
        "--set", "evaluate.tasks=4");
    assertTrue(err.contains("does not fit") && err.contains("glyphs"), err);
  }

  /**
   * Ten steps of 50 blow adaptation up: the evaluation is written, and the exit code says it
   * diverged. (evaluate adapts as the model was trained to, model.json's inner_lr.)
   */
  @Test
  void aDivergedEvaluationWarnsAndExitsWithFour() throws IOException {
    Path model = model("steep", MlpShorthand.parse("1-40-40-1").activation("relu").dataType(DataType.DOUBLE).seed(1)
        .toSpec(), List.of(), 50);
    String err = Console.err(() -> assertEquals(4, MetasparkCli.run("evaluate", "--model", model.toString(),
        "--config", SINUSOID, "--master", "local[2]", "--set", "evaluate.tasks=20")));
    assertTrue(err.contains("evaluation diverged at inner lr 50") && err.contains("after 10 steps")
        && err.contains("algorithm.inner-lr"),
        err);
    assertFalse(err.contains("\tat "), err);
    assertTrue(Files.exists(model.resolve("evaluation.json")), "written all the same");
  }
}
