package io.metaspark.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.core.task.Examples;
import io.metaspark.core.task.TaskDescriptor;
import io.metaspark.core.task.image.EpisodeTaskFamily;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

class Conv4Test {

  /**
   * conf/models holds the MAML paper's Omniglot network as DL4J JSON, for users who take the model
   * elsewhere or edit it (model.json-file): it must stay the network the conv4 preset builds.
   */
  @Test
  void theJsonInConfIsThePapersOmniglotNetwork() throws IOException {
    for (int ways : new int[] {5, 20}) {
      Path file = Path.of("../../conf/models/conv4-omniglot-" + ways + "way.json");
      MultiLayerConfiguration fromFile = MultiLayerConfiguration.fromJson(Files.readString(file));
      MultiLayerConfiguration preset = Conv4.of(28, ways).filters(64).downsample("stride").batchNorm(true).build();
      assertEquals(preset, fromFile, file.toString());
      // convolutions, batch norm, and a head over the 4 x 64 features that stride 2 leaves (28 -> 2)
      assertEquals(111_424 + 1_024 + (4 * 64 + 1) * ways,
          ModelSpec.fromJson(Files.readString(file)).initialParams().length, file.toString());
    }
  }

  @Test
  void parameterCountIsThePapersFor28x28FiveWay() {
    // 3x3 kernels: the first block sees 1 channel, the others f; 28 -> 14 -> 7 -> 3 -> 1 leaves f features
    int f = 64;
    int convs = (9 * 1 * f + f) + 3 * (9 * f * f + f);
    assertEquals(convs + f * 5 + 5, Conv4.of(28, 5).batchNorm(false).toSpec().initialParams().length);
    assertEquals(111_749, convs + f * 5 + 5);
    // batch norm adds gamma, beta and DL4J's two running statistics (mean, log10 of the standard
    // deviation) per filter and block
    assertEquals(111_749 + 4 * 4 * f, Conv4.of(28, 5).toSpec().initialParams().length);
    // stride 2 with same padding: 28 -> 14 -> 7 -> 4 -> 2, so 4 f features reach the output layer
    int small = 4;
    int smallConvs = (9 * small + small) + 3 * (9 * small * small + small);
    assertEquals(smallConvs + 4 * small * 5 + 5,
        Conv4.of(28, 5).filters(small).downsample("stride").batchNorm(false).toSpec().initialParams().length);
  }

  /** The MAML code's Omniglot head: the 2x2 last block averaged to one value per filter, N(0, 1) weights. */
  @Test
  void globalAveragePoolingFeedsTheSoftmaxOneValuePerFilter() {
    int f = 64;
    int convs = (9 * f + f) + 3 * (9 * f * f + f) + 4 * 4 * f;
    Conv4 code = Conv4.of(28, 20).downsample("stride").globalAveragePooling(true).outputInit("standard-normal");
    double[] params = code.toSpec().initialParams();
    assertEquals(convs + f * 20 + 20, params.length);
    // the output layer's weights come last but for its biases; N(0, 1): mean near 0, variance near 1
    double sum = 0;
    double squares = 0;
    int weights = f * 20;
    for (int i = convs; i < convs + weights; i++) {
      sum += params[i];
      squares += params[i] * params[i];
    }
    double mean = sum / weights;
    double variance = squares / weights - mean * mean;
    assertEquals(0, mean, 0.1);
    assertEquals(1, variance, 0.15);
    for (int i = convs + weights; i < params.length; i++) {
      assertEquals(0.0, params[i], "bias " + i);
    }
    // Xavier's variance for 64 inputs and 20 outputs is 2 / 84
    double[] xavier = Conv4.of(28, 20).downsample("stride").globalAveragePooling(true).toSpec().initialParams();
    double xavierSquares = 0;
    for (int i = convs; i < convs + weights; i++) {
      xavierSquares += xavier[i] * xavier[i];
    }
    assertEquals(2.0 / 84, xavierSquares / weights, 0.01);
    // with pooling the last block is 1x1 already: no averaging layer, the network the default builds
    assertEquals(Conv4.of(28, 5).build(), Conv4.of(28, 5).globalAveragePooling(true).build());
    assertEquals(Conv4.of(28, 5).downsample("stride").build().getConfs().size() + 1,
        Conv4.of(28, 5).downsample("stride").globalAveragePooling(true).build().getConfs().size());
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> Conv4.of(28, 5).outputInit("uniform"));
    assertTrue(bad.getMessage().contains("'uniform'"), bad.getMessage());
  }

  @Test
  void dl4jGradientOnAnEpisodeMatchesCentralDifferences() {
    ModelSpec spec = Conv4.of(28, 3).filters(4).dataType(DataType.DOUBLE).seed(5).toSpec();
    assertGradientMatchesCentralDifferences(spec, spec.newDl4jLearner());
  }

  /** The learner training picks for conv4 (ConvLearner), checked on its own, not only against DL4J. */
  @Test
  void fastPathGradientOnAnEpisodeMatchesCentralDifferences() {
    ModelSpec spec = Conv4.of(28, 3).filters(4).dataType(DataType.DOUBLE).seed(5).toSpec();
    Learner learner = spec.newLearner();
    assertTrue(learner instanceof io.metaspark.core.model.conv.ConvLearner, learner.getClass().getName());
    assertGradientMatchesCentralDifferences(spec, learner);
  }

  private static void assertGradientMatchesCentralDifferences(ModelSpec spec, Learner learner) {
    EpisodeTaskFamily family = NoiseImages.episodes(28, 3, 2);
    Examples query = family.sample(new TaskDescriptor(0, 0, 11), DataType.DOUBLE).query();
    double[] theta = spec.initialParams();
    double[] g = new double[theta.length];
    double loss = learner.lossAndGradient(theta, query, g);
    assertTrue(loss > 0 && Double.isFinite(loss), "cross-entropy " + loss);
    SplittableRandom random = new SplittableRandom(17);
    double h = 1e-6;
    for (int k = 0; k < 12; k++) {
      int i = random.nextInt(theta.length);
      double[] plus = theta.clone();
      double[] minus = theta.clone();
      plus[i] += h;
      minus[i] -= h;
      double fd = (learner.loss(plus, query) - learner.loss(minus, query)) / (2 * h);
      assertEquals(fd, g[i], 1e-6 * Math.max(1e-2, Math.abs(fd)), "parameter " + i);
    }
  }

  @Test
  void theFloatNetworksGradientIsTheDoubleOnesToFloatPrecision() {
    // float convolutions may run on other native kernels than double ones: check them against each other
    ModelSpec exact = Conv4.of(28, 3).filters(4).dataType(DataType.DOUBLE).seed(5).toSpec();
    ModelSpec fast = Conv4.of(28, 3).filters(4).dataType(DataType.FLOAT).seed(5).toSpec();
    EpisodeTaskFamily family = NoiseImages.episodes(28, 3, 2);
    double[] theta = exact.initialParams();
    double[] g64 = new double[theta.length];
    double[] g32 = new double[theta.length];
    double loss64 = exact.newLearner().lossAndGradient(theta, family.sample(new TaskDescriptor(0, 0, 11), DataType.DOUBLE).query(), g64);
    double loss32 = fast.newLearner().lossAndGradient(theta, family.sample(new TaskDescriptor(0, 0, 11), DataType.FLOAT).query(), g32);
    assertEquals(loss64, loss32, 1e-5 * Math.abs(loss64));
    double norm = 0;
    for (double v : g64) {
      norm = Math.max(norm, Math.abs(v));
    }
    for (int i = 0; i < theta.length; i++) {
      assertEquals(g64[i], g32[i], 1e-4 * norm, "parameter " + i);
    }
  }

  @Test
  void badSettingsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> Conv4.of(28, 1));
    assertThrows(IllegalArgumentException.class, () -> Conv4.of(8, 5));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Conv4.of(28, 5).downsample("avg"))
        .getMessage().contains("pool or stride"));
  }
}
