package io.metaspark.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.metaspark.app.builtin.BuiltIns;
import io.metaspark.app.config.Job;
import io.metaspark.app.testing.Console;
import io.metaspark.app.testing.RgbFolders;
import io.metaspark.core.task.image.ClassSplit;
import io.metaspark.core.task.image.EpisodeTaskFamily;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Color images of any size split by their train/, val/ and test/ folders, as miniImageNet ships,
 * for every algorithm: on a generated RGB fixture ({@link RgbFolders}), since none of those data
 * sets is reachable here.
 */
class ColorImagesCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  private Path config(Path data, String algorithm) throws IOException {
    Path conf = dir.resolve(algorithm + ".conf");
    Files.writeString(conf, String.join("\n",
        "run { dir = \"" + dir + "\", name = " + algorithm + " }",
        "spark { partitions = 2, conf { \"spark.ui.enabled\" = false } }",
        "tasks { family = images, support = 1, query = 2, images {",
        "  locations = [\"" + data + "\"], rotations = false, size = 16, channels = 3, invert = false,",
        "  split = folders, ways = 3 } }",
        "model { preset = conv4, conv4 { filters = 4" + (algorithm.equals("protonet") ? ", embedding = true" : "")
            + " } }",
        "algorithm { name = " + algorithm + ", inner-steps = 1, inner-lr = 0.4 }",
        "train { iterations = 4, meta-batch = 2, log-every = 2 }",
        "validate { every = 2, tasks = 4 }",
        "evaluate { tasks = 8, steps = [0, 1] }"));
    return conf;
  }

  @Test
  void everyAlgorithmTrainsOnColorImagesSplitByFolders() throws IOException {
    Path data = RgbFolders.write(dir.resolve("rgb"));
    for (String algorithm : List.of("fomaml", "protonet")) {
      Path conf = config(data, algorithm);
      String out = Console.out(() ->
          assertEquals(0, MetasparkCli.run("train", "--config", conf.toString(), "--master", "local[2]")));
      assertTrue(out.contains("TRAIN of the train/, val/ and test/ folders"), out);
      JsonNode evaluation = JSON.readTree(dir.resolve(algorithm).resolve("evaluation.json").toFile());
      assertTrue(evaluation.get("results").get(0).get("query_accuracy").asDouble() >= 0, evaluation.toString());
    }
  }

  @Test
  void theSplitTakesEachPartFromItsFolderAndTheNetworkTakesThreeChannels() throws IOException {
    Path data = RgbFolders.write(dir.resolve("rgb"));
    Job job = Job.load(config(data, "protonet").toFile(), List.of(), BuiltIns.registries());
    assertEquals(8, ((EpisodeTaskFamily) job.taskFamily(ClassSplit.Part.TRAIN)).partClassCount());
    assertEquals(4, ((EpisodeTaskFamily) job.taskFamily(ClassSplit.Part.VALIDATION)).partClassCount());
    assertEquals(5, ((EpisodeTaskFamily) job.taskFamily(ClassSplit.Part.TEST)).partClassCount());
    // the first convolution takes 3 channels: 3 x 3x3 weights per filter
    assertEquals(3 * 9 * 4 + 4 + 3 * (9 * 4 * 4 + 4) + 4 * 4 * 4, job.model().initialParams().length);
  }

  /** The papers' 84x84 presets: 32 filters for MAML, 64 for Prototypical Networks (a 1600-value embedding). */
  @Test
  void theShippedMiniImageNetConfigsAreThePapers() throws IOException {
    Path data = RgbFolders.write(dir.resolve("rgb"));
    List<String> here = List.of("tasks.images.locations=[\"" + data + "\"]");
    Job maml = Job.load(new File("../../conf/miniimagenet-maml-5way1shot.conf"), here, BuiltIns.registries());
    assertEquals(3 * 9 * 32 + 32 + 3 * (9 * 32 * 32 + 32) + 4 * 4 * 32 + 5 * 5 * 32 * 5 + 5,
        maml.model().initialParams().length);
    Job protonet = Job.load(new File("../../conf/protonet-miniimagenet-5way1shot.conf"), here,
        BuiltIns.registries());
    assertEquals(3 * 9 * 64 + 64 + 3 * (9 * 64 * 64 + 64) + 4 * 4 * 64, protonet.model().initialParams().length);
    assertEquals(30, ((EpisodeTaskFamily) protonet.taskFamily(ClassSplit.Part.TRAIN)).ways());
  }
}
