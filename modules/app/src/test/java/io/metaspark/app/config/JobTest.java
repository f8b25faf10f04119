package io.metaspark.app.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.app.builtin.BuiltIns;
import io.metaspark.core.algo.Maml;
import io.metaspark.core.model.ParameterInit;
import io.metaspark.core.optim.Sgd;
import io.metaspark.core.optim.TrustRegion;
import io.metaspark.core.task.image.ClassSplit;
import io.metaspark.core.task.image.EpisodeTaskFamily;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a job config: defaults, overrides, the checks and their messages, and what it builds. */
class JobTest {
  @TempDir
  Path dir;

  private File conf(String text) throws IOException {
    Path p = dir.resolve("job.conf");
    Files.writeString(p, text);
    return p.toFile();
  }

  private static Job load(File file, List<String> overrides) {
    return Job.load(file, overrides, BuiltIns.registries());
  }

  private static String error(Runnable r) {
    return assertThrows(ConfigError.class, r::run).getMessage();
  }

  @Test
  void theShippedSinusoidConfigIsValid() {
    Job job = load(new File("../../conf/sinusoid.conf"), List.of());
    assertTrue(job.algorithm() instanceof Maml);
    assertEquals(25, job.settings().train().metaBatch());
    assertEquals(1761, job.model().initialParams().length);
  }

  @Test
  void keepingTheBestModelsNeedsValidationsRankedAtTheAlgorithmsOwnSteps() {
    File sinusoid = new File("../../conf/sinusoid.conf");
    assertEquals(5, load(sinusoid, List.of("validate.keep-best=5")).settings().validate().keepBest());
    String never = error(() -> load(sinusoid, List.of("validate.keep-best=5", "validate.every=0")));
    assertTrue(never.contains("validate.keep-best = 5") && never.contains("validate.every = 0 never validates"), never);
    String steps = error(() -> load(sinusoid, List.of("validate.keep-best=2", "algorithm.inner-steps=5")));
    assertTrue(steps.contains("after the algorithm's 5 inner steps") && steps.contains("evaluate.steps = [0, 1, 10]"),
        steps);
    String policy = error(() -> load(new File("../../conf/navigation-2d.conf"),
        List.of("validate.keep-best=2", "validate.every=10")));
    assertTrue(policy.contains("trains a policy"), policy);
    String negative = error(() -> load(sinusoid, List.of("validate.keep-best=-1")));
    assertTrue(negative.contains("validate.keep-best"), negative);
  }

  /** Executors in their own JVMs run elsewhere: relative data paths must reach them resolved. */
  @Test
  void relativeDataPathsAreResolvedOnTheDriver() {
    List<String> glyphs = List.of("tasks.images.locations=[\"../../src-test-data/glyphs/images_background\"]",
        "tasks.images.split=alphabets", "tasks.images.ways=3", "tasks.support=1", "tasks.query=2");
    Job job = load(new File("../../conf/omniglot-small.conf"), glyphs);
    String absolute = new File("../../src-test-data/glyphs/images_background").toPath().toAbsolutePath().normalize()
        .toUri().getPath().replaceAll("/$", "");
    String described = job.taskFamily(ClassSplit.Part.TRAIN).describe();
    assertTrue(described.contains("file:" + absolute), described);

    Job table = load(new File("../../conf/table-example.conf"),
        List.of("run.dir=relative-runs", "tasks.table.location=../../src-test-data/tables/regression.parquet"));
    String store = new File("relative-runs").toPath().toAbsolutePath().toUri().getPath();
    String tasks = table.taskFamily(ClassSplit.Part.TRAIN).describe();
    assertTrue(tasks.contains("task store file:" + store), tasks);
  }

  @Test
  void theShippedOmniglotConfigsAreValid() {
    // their zips are relative to the repository root; the fixture stands in for them here
    List<String> glyphs = List.of("tasks.images.locations=[\"../../src-test-data/glyphs/images_background\","
        + "\"../../src-test-data/glyphs/images_evaluation\"]");
    Job small = load(new File("../../conf/omniglot-small.conf"), glyphs);
    // 32 stride-2 filters: 28 -> 14 -> 7 -> 4 -> 2, so 2 * 2 * 32 features for 5 outputs; batch norm
    // adds gamma, beta and two running statistics per filter and block
    assertEquals(9 * 32 + 32 + 3 * (9 * 32 * 32 + 32) + 4 * 4 * 32 + 128 * 5 + 5,
        small.model().initialParams().length);
    assertEquals(8, small.settings().train().metaBatch());
    // 20-way 1-shot scaled down alike: the paper's 5 steps of 0.1, a quarter of its meta-batch of 16
    Job small20 = load(new File("../../conf/omniglot-small-20way1shot.conf"), glyphs);
    assertEquals(9 * 32 + 32 + 3 * (9 * 32 * 32 + 32) + 4 * 4 * 32 + 128 * 20 + 20,
        small20.model().initialParams().length);
    assertEquals(20, ((EpisodeTaskFamily) small20.taskFamily(ClassSplit.Part.TRAIN)).ways());
    assertEquals(4, small20.settings().train().metaBatch());
    assertEquals(5, small20.algorithm().adaptation().steps());
    assertEquals(0.1, small20.algorithm().adaptation().rule().learningRate());
    // the paper's four: N-way K-shot, meta-batch, inner steps and step (0.4 or 0.1 on the code's loss / K)
    Object[][] papers = {
        {"omniglot-5way1shot", 5, 1, 32, 1, 0.4}, {"omniglot-5way5shot", 5, 5, 32, 1, 0.08},
        {"omniglot-20way1shot", 20, 1, 16, 5, 0.1}, {"omniglot-20way5shot", 20, 5, 16, 5, 0.02}};
    for (Object[] paper : papers) {
      Job job = load(new File("../../conf/" + paper[0] + ".conf"), glyphs);
      int ways = (int) paper[1];
      EpisodeTaskFamily family = (EpisodeTaskFamily) job.taskFamily(ClassSplit.Part.TRAIN);
      assertEquals(ways, family.ways(), paper[0] + " ways");
      assertEquals((int) paper[2], family.shots(), paper[0] + " shots");
      assertEquals((int) paper[2], family.queries(), paper[0] + " queries, K as the reference code");
      assertEquals(9 * 64 + 64 + 3 * (9 * 64 * 64 + 64) + 4 * 4 * 64 + 256 * ways + ways,
          job.model().initialParams().length, paper[0] + " parameters");
      assertEquals((int) paper[3], job.settings().train().metaBatch(), paper[0] + " meta-batch");
      assertEquals((int) paper[4], job.algorithm().adaptation().steps(), paper[0] + " inner steps");
      assertEquals((double) paper[5], job.algorithm().adaptation().rule().learningRate(), paper[0] + " inner lr");
      assertEquals(60_000L, job.settings().train().iterations(), paper[0] + " iterations");
    }
  }

  @Test
  void theShippedPrototypicalNetworkConfigsAreThePapers() {
    List<String> glyphs = List.of("tasks.images.locations=[\"../../src-test-data/glyphs/images_background\","
        + "\"../../src-test-data/glyphs/images_evaluation\"]");
    // N-way K-shot at test time; every one trains on 60-way episodes with 5 queries per class
    int[][] papers = {{5, 1}, {5, 5}, {20, 1}, {20, 5}};
    for (int[] paper : papers) {
      String name = "protonet-omniglot-" + paper[0] + "way" + paper[1] + "shot";
      Job job = load(new File("../../conf/" + name + ".conf"), glyphs);
      EpisodeTaskFamily train = (EpisodeTaskFamily) job.taskFamily(ClassSplit.Part.TRAIN);
      EpisodeTaskFamily test = (EpisodeTaskFamily) job.taskFamily(ClassSplit.Part.TEST);
      assertEquals(60, train.ways(), name + " training ways");
      assertEquals(paper[0], test.ways(), name + " test ways");
      assertEquals(paper[1], train.shots(), name + " shots");
      assertEquals(5, train.queries(), name + " queries");
      assertEquals("protonet", job.algorithm().name(), name);
      // four blocks of 64 3x3 filters with batch norm (gamma, beta and two running statistics), no output layer
      assertEquals(9 * 64 + 64 + 3 * (9 * 64 * 64 + 64) + 4 * 4 * 64, job.model().initialParams().length, name);
      assertEquals(1, job.settings().train().metaBatch(), name + ": one episode per update");
      assertEquals(1000, job.settings().evaluate().tasks(), name + " test episodes");
    }
  }

  @Test
  void anUnknownKeyIsNamedWithTheNearestKnownOne() throws IOException {
    File f = conf("train { iteratons = 10 }");
    String message = error(() -> load(f, List.of()));
    assertTrue(message.contains("unknown config key 'train.iteratons'"), message);
    assertTrue(message.contains("did you mean 'train.iterations'"), message);
    assertTrue(message.contains(f.toString()), message);
  }

  /** A config's line, and what its error says. */
  private static final String[][] BAD_VALUES = {
      {"train.iterations = lots", "train.iterations"},
      {"train.meta-batch = 0", "train.meta-batch must be >= 1, got 0"},
      {"spark.tree-depth = 0", "spark.tree-depth: must be auto or a depth of at least 1, got '0'"},
      {"spark.tree-depth = deep", "spark.tree-depth: must be auto or a depth of at least 1, got 'deep'"},
      {"algorithm.name = mammal",
          "algorithm.name must be one of maml, fomaml, reptile, protonet, meta-sgd, maml-plus-plus, anil, learned-optimizer,"
              + " maml-rl, fomaml-rl, reptile-rl, got 'mammal'"},
      {"model.activation = relux", "relux"},
      {"tasks.sinusoid.x = [5, -5]", "tasks.sinusoid.x"},
      {"model.json-file = nowhere.json", "model.json-file nowhere.json does not exist"},
      {"validate.seed = 7", "validate.seed must differ from evaluate.seed"},
      {"model.learner = fast", "model.learner: unknown learner 'fast'"},
      {"model.init = he", "model.init: unknown parameter init 'he'; expected dl4j, fan-in-uniform or xavier-uniform"},
      {"evaluate.baselines = [scratch, pretrained]",
          "evaluate.baselines: unknown baseline 'pretrained'; expected scratch or joint"},
      {"evaluate.baselines = [joint, joint]", "evaluate.baselines lists a baseline twice"},
      {"evaluate.joint.epochs = 0", "evaluate.joint.epochs must be >= 1, got 0"},
      {"evaluate.joint.lr = -1", "evaluate.joint.lr must be a positive number"},
      {"algorithm.name = meta-sgd\nalgorithm.meta-sgd.initial-rates = [0.1, 0.01]",
          "algorithm.meta-sgd.initial-rates must be [] or [low, high] with 0 < low <= high, got [0.1, 0.01]"},
      {"algorithm.name = meta-sgd\nalgorithm.meta-sgd.initial-rates = [0, 0.1]",
          "algorithm.meta-sgd.initial-rates must be [] or [low, high] with 0 < low <= high, got [0.0, 0.1]"}};

  /** The paper config's policy starts from the MAML code's own draw, and from DL4J's normal one if asked. */
  @Test
  void theInitKeyChoosesWhereTrainingStarts() {
    File paper = new File("../../conf/navigation-2d-trpo-paper.conf");
    Job dl4j = load(paper, List.of("model.init=dl4j"));
    Job xavier = load(paper, List.of());
    assertEquals(ParameterInit.XAVIER_UNIFORM, xavier.settings().model().init());
    assertArrayEquals(ParameterInit.XAVIER_UNIFORM.initialParams(xavier.model(), xavier.settings().model().seed()),
        xavier.initialParams());
    assertFalse(Arrays.equals(dl4j.initialParams(), xavier.initialParams()), "another draw");
  }

  /** Meta-SGD's rates start at inner-lr, or at draws from an interval that model.seed decides. */
  @Test
  void metaSgdsRatesStartAtTheInnerRateOrInTheirInterval() {
    File sinusoid = new File("../../conf/sinusoid.conf");
    Job constant = load(sinusoid, List.of("algorithm.name=meta-sgd"));
    int n = constant.model().initialParams().length;
    double[] rates = Arrays.copyOfRange(constant.algorithm().init(constant.initialParams()), n, 2 * n);
    assertTrue(Arrays.stream(rates).allMatch(rate -> rate == 0.01), "inner-lr");
    List<String> drawn = List.of("algorithm.name=meta-sgd", "algorithm.meta-sgd.initial-rates=[0.005, 0.1]");
    Job job = load(sinusoid, drawn);
    double[] first = job.algorithm().init(job.initialParams());
    Job again = load(sinusoid, drawn);
    assertArrayEquals(first, again.algorithm().init(again.initialParams()), "the same config, the same start");
    assertTrue(Arrays.stream(Arrays.copyOfRange(first, n, 2 * n)).allMatch(rate -> rate >= 0.005 && rate < 0.1));
    assertTrue(Arrays.stream(Arrays.copyOfRange(first, n, 2 * n)).distinct().count() > n / 2, "each its own draw");
  }

  /** Unless set, jobs mode's merge tree deepens with the partitions actually used, 32 sums per merge at most. */
  @Test
  void theTreeDepthIsChosenFromThePartitionsUnlessSet() {
    File sinusoid = new File("../../conf/sinusoid.conf");
    assertEquals(1, load(sinusoid, List.of()).plan().treeDepth(), "2 partitions: merged on the driver");
    assertEquals(1, load(sinusoid, List.of("spark.partitions=32", "train.meta-batch=32")).plan().treeDepth());
    assertEquals(2, load(sinusoid, List.of("spark.partitions=33", "train.meta-batch=64")).plan().treeDepth());
    assertEquals(2, load(sinusoid, List.of("spark.partitions=1024", "train.meta-batch=1024")).plan().treeDepth());
    assertEquals(3, load(sinusoid, List.of("spark.partitions=1025", "train.meta-batch=2000")).plan().treeDepth());
    assertEquals(1, load(sinusoid, List.of("spark.partitions=64")).plan().treeDepth(),
        "partitions beyond the meta-batch of 25 hold no task and are not used");
    assertEquals(3, load(sinusoid, List.of("spark.tree-depth=3")).plan().treeDepth(), "a depth that is set wins");
  }

  @Test
  void badValuesAreNamedByKey() throws IOException {
    for (String[] bad : BAD_VALUES) {
      String message = validationError(bad[0]);
      assertTrue(message.contains(bad[1]), bad[0] + ": " + message);
    }
    assertTrue(error(() -> load(new File(dir.toFile(), "missing.conf"), List.of()))
        .contains("missing.conf does not exist"));
  }

  @Test
  void theOuterOptimizerIsAChainOfClippingTheOptimizerAndTheSchedule() throws IOException {
    File f = conf("outer { optimizer = adam, lr = 0.002, clip-norm = 10, schedule = cosine, cosine.steps = 500 }");
    Job job = load(f, List.of());
    assertEquals("clip to norm 10.0, then adam, then cosine annealing to 0.0 x lr over 500 updates",
        job.optimizer().describe());
    assertEquals("chain(clip_by_global_norm(), adam(count, mu[2], nu[2]), scale_by_schedule(count))",
        job.optimizer().init(new double[2]).layout());
    // by default neither: the optimizer alone, whose state checkpoints from before chains hold
    assertEquals("adam(count, mu[2], nu[2])",
        load(conf(""), List.of()).optimizer().init(new double[2]).layout());
    assertTrue(validationError("outer.clip-norm = -1").contains("outer.clip-norm must be >= 0 (0 = no clipping), got -1"));
    assertTrue(validationError("outer.schedule = linear").contains("outer.schedule must be one of constant, cosine"));
    assertTrue(validationError("outer.schedule = cosine").contains("outer.schedule = cosine needs outer.cosine.steps >= 1"));
    assertTrue(validationError("outer { schedule = cosine, cosine { steps = 9, min-fraction = 2 } }")
        .contains("outer.cosine.min-fraction must be in [0, 1], got 2.0"));
  }

  @Test
  void trpoIsMamlRlsOuterStepAndRefusesWhatCannotGoWithIt() throws IOException {
    File trpo = new File("../../conf/navigation-2d-trpo.conf");
    assertEquals(new TrustRegion(0.01, 10, 0.01, 15, 0.8), load(trpo, List.of()).optimizer());
    // the MAML code's protocol: its damping and finite-difference products (base 1), its normalized
    // action units, its test's step sizes
    Job paper = load(new File("../../conf/navigation-2d-trpo-paper.conf"), List.of());
    assertEquals(new TrustRegion(0.01, 10, 1e-5, 15, 0.8, 1.0), paper.optimizer());
    assertTrue(((io.metaspark.core.rl.EnvironmentTaskFamily) paper.taskFamily(ClassSplit.Part.TRAIN)).environments()
        .describe().contains("actions normalized"));
    assertEquals(List.of(0.5, 0.25), paper.values().get(EvaluateSettings.STEP_SIZES));
    assertEquals(new TrustRegion(0.02, 5, 0.1, 3, 0.5), load(trpo, List.of("outer.trpo.max-kl=0.02",
        "outer.trpo.cg-iterations=5", "outer.trpo.cg-damping=0.1", "outer.trpo.line-search-steps=3",
        "outer.trpo.backtrack-ratio=0.5")).optimizer());
    // exact products if asked; the finite-difference base is 1 unless set
    assertEquals(new TrustRegion(0.01, 10, 1e-5, 15, 0.8),
        load(new File("../../conf/navigation-2d-trpo-paper.conf"), List.of("outer.trpo.fisher-product=exact"))
            .optimizer());
    assertEquals(new TrustRegion(0.01, 10, 0.01, 15, 0.8, 0.5), load(trpo,
        List.of("outer.trpo.fisher-product=central-difference", "outer.trpo.central-difference-base=0.5")).optimizer());
    String supervised = validationError("outer.optimizer = trpo");
    assertTrue(supervised.contains("outer.optimizer = trpo needs an algorithm that keeps its tasks")
        && supervised.contains("algorithm.name = maml is not one"), supervised);
    String[][] refused = {
        {"outer.clip-norm=1", "outer.clip-norm = 1.0 cannot be combined with it"},
        {"outer.schedule=step", "outer.schedule = step cannot be combined with it"},
        {"spark.mode=jobs", "spark.mode = jobs cannot run it"},
        {"outer.trpo.backtrack-ratio=1", "outer.trpo.backtrack-ratio must be in (0, 1), got 1.0"},
        {"outer.trpo.max-kl=0", "outer.trpo.max-kl must be a positive number, got 0.0"},
        {"outer.trpo.cg-iterations=0", "outer.trpo.cg-iterations must be >= 1, got 0"},
        {"outer.trpo.fisher-product=forward-difference", "outer.trpo.fisher-product"},
        {"outer.trpo.central-difference-base=0", "outer.trpo.central-difference-base must be a positive number"}};
    for (String[] bad : refused) {
      String message = error(() -> load(trpo, List.of(bad[0])));
      assertTrue(message.contains(bad[1]), bad[0] + ": " + message);
    }
  }

  private static final String GLYPHS = "tasks { family = images, support = 1, query = 2, images {"
      + " locations = [\"../../src-test-data/glyphs/images_background\", \"../../src-test-data/glyphs/images_evaluation\"],"
      + " split = alphabets, validation-characters = 1, ways = 3 } }\n";

  @Test
  void imageTasksComeFromTheSplitPartOfTheirUse() throws IOException {
    File f = conf(GLYPHS);
    Job job = load(f, List.of());
    EpisodeTaskFamily train = (EpisodeTaskFamily) job.taskFamily(ClassSplit.Part.TRAIN);
    assertEquals(3, train.ways());
    assertEquals(1, train.shots());
    assertEquals(2, train.queries());
    assertTrue(train.describe().contains("TRAIN"), train.describe());
    assertTrue(job.taskFamily(ClassSplit.Part.VALIDATION).describe().contains("VALIDATION"));
    assertTrue(job.taskFamily(ClassSplit.Part.TEST).describe().contains("TEST"));

    // conv4 is sized by the tasks: 3 outputs; 28 -> 14 -> 7 -> 3 -> 1 leaves 4 features for them;
    // batch norm (on by default) adds 4 entries per filter and block (gamma, beta, running statistics)
    Job conv = load(f, List.of("model.preset=conv4", "model.conv4.filters=4"));
    int plain = 9 * 4 + 4 + 3 * (9 * 4 * 4 + 4) + 4 * 3 + 3;
    assertEquals(plain + 4 * 4 * 4, conv.model().initialParams().length);
    Job noBatchNorm = load(f,
        List.of("model.preset=conv4", "model.conv4.filters=4", "model.conv4.batch-norm=false"));
    assertEquals(plain, noBatchNorm.model().initialParams().length);
    // with strides 28 -> 14 -> 7 -> 4 -> 2: flattened, 4 x 4 features per class; averaged, 4
    List<String> strided = List.of("model.preset=conv4", "model.conv4.filters=4", "model.conv4.downsample=stride");
    int flattened = load(f, strided).model().initialParams().length;
    List<String> averaged = new java.util.ArrayList<>(strided);
    averaged.add("model.conv4.global-average-pooling=true");
    averaged.add("model.conv4.output-init=standard-normal");
    assertEquals(flattened - 3 * 4 * 4 + 3 * 4, load(f, averaged).model().initialParams().length);
    String badInit = validationError(GLYPHS + "model.preset = conv4\nmodel.conv4.output-init = uniform");
    assertTrue(badInit.contains("model.conv4") && badInit.contains("'uniform'"), badInit);
    assertTrue(validationError(GLYPHS + "model.preset = conv5").contains("model.preset"));
    assertTrue(validationError("model.preset = conv4").contains("needs tasks.family = images"));
  }

  @Test
  void badImageSettingsAreNamedByKeyOrPath() throws IOException {
    assertTrue(validationError(GLYPHS + "tasks.images.ways = 1").contains("tasks.images.ways must be >= 2, got 1"));
    assertTrue(validationError(GLYPHS + "tasks.images.locations = []").contains("tasks.images.locations must list"));
    String missing = validationError(GLYPHS + "tasks.images.locations = [\"../../nowhere/images_background.zip\"]");
    assertTrue(missing.contains("tasks.images.locations: ../../nowhere/images_background.zip does not exist"), missing);
    assertTrue(validationError(GLYPHS + "tasks.images.split = random").contains("tasks.images.split must be one of"));
    assertTrue(validationError(GLYPHS + "tasks.images.validation-characters = 0\nvalidate.every = 5")
        .contains("tasks.images.validation-characters must be >= 1"));
  }

  private String validationError(String text) throws IOException {
    File f = conf(text);
    return error(() -> load(f, List.of()));
  }

  @Test
  void overridesWinAndTakePlainStrings() throws IOException {
    File f = conf("outer.optimizer = adam\nspark.master = \"local[1]\"");
    Job job = load(f,
        List.of("outer.optimizer=sgd", "spark.master=local[4]", "evaluate.steps=[0,5]", "spark.conf.\"spark.ui.enabled\"=false"));
    assertTrue(job.optimizer() instanceof Sgd);
    assertEquals("local[4]", job.settings().spark().master());
    assertEquals(5, job.settings().evaluate().stepCounts()[1]);
    assertEquals("false", job.settings().spark().conf().get("spark.ui.enabled"));
    assertTrue(error(() -> load(f, List.of("train.iteratons=3"))).contains("did you mean 'train.iterations'"));
    assertTrue(error(() -> load(f, List.of("no-equals-sign"))).contains("key=value"));
  }
}
