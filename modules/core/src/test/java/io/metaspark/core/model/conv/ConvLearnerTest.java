package io.metaspark.core.model.conv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.core.model.Conv4;
import io.metaspark.core.model.Dl4jLearner;
import io.metaspark.core.model.Learner;
import io.metaspark.core.model.MlpShorthand;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.task.Examples;
import java.util.Optional;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The fast path is checked against DL4J itself, the definition of the model: same loss, gradient
 * and outputs, in double to 1e-9 relative (DL4J's float-free route), in float to float rounding.
 */
class ConvLearnerTest {
  private static Examples batch(int n, int size, int classes, DataType type, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[][][][] pixels = new double[n][1][size][size];
    double[][] labels = new double[n][classes];
    for (int i = 0; i < n; i++) {
      for (int y = 0; y < size; y++) {
        for (int x = 0; x < size; x++) {
          pixels[i][0][y][x] = random.nextDouble() < 0.3 ? random.nextDouble() : 0;
        }
      }
      labels[i][random.nextInt(classes)] = 1;
    }
    return new Examples(Nd4j.create(pixels).castTo(type), Nd4j.create(labels).castTo(type));
  }

  /** Away from the initialization (gamma 1, beta 0, bias 0), so every term of the gradient matters. */
  private static double[] perturbed(ModelSpec spec, Dl4jLearner reference, long seed) {
    double[] params = spec.initialParams();
    SplittableRandom random = new SplittableRandom(seed);
    java.util.Set<Integer> running = new java.util.HashSet<>();
    for (int i : reference.runningStatistics()) {
      running.add(i);
    }
    for (int i = 0; i < params.length; i++) {
      if (!running.contains(i)) {
        params[i] += 0.1 * random.nextGaussian();
      }
    }
    return params;
  }

  private static void assertSameFunction(ModelSpec spec, int imageSize, DataType type, double tolerance,
      int... batchSizes) {
    assertSameFunction(spec, ConvolutionRoute.LIBND4J_JAVA_FIRST, imageSize, type, tolerance, batchSizes);
  }

  private static void assertSameFunction(ModelSpec spec, ConvolutionRoute route, int imageSize, DataType type,
      double tolerance, int... batchSizes) {
    Dl4jLearner reference = spec.newDl4jLearner();
    ConvLearner fast = ConvLearner.of(spec.configuration(), route).orElseThrow();
    assertEquals(reference.numParams(), fast.numParams());
    double[] params = perturbed(spec, reference, 11);
    for (int round = 0; round < 2; round++) {
      for (int n : batchSizes) {
        Examples examples = batch(n, imageSize, classes(spec), type, 31L * n + round);
        double[] expected = new double[params.length];
        double[] actual = new double[params.length];
        double expectedLoss = reference.lossAndGradient(params, examples, expected);
        double actualLoss = fast.lossAndGradient(params, examples, actual);
        assertEquals(expectedLoss, actualLoss, tolerance * Math.abs(expectedLoss), "loss, batch of " + n);
        assertEquals(expectedLoss, fast.loss(params, examples), tolerance * Math.abs(expectedLoss));
        double scale = 0;
        for (double g : expected) {
          scale = Math.max(scale, Math.abs(g));
        }
        for (int i = 0; i < params.length; i++) {
          assertEquals(expected[i], actual[i], tolerance * scale, "gradient entry " + i + ", batch of " + n);
        }
        INDArray expectedOut = reference.outputs(params, examples.features());
        INDArray actualOut = fast.outputs(params, examples.features());
        assertEquals(type, actualOut.dataType());
        double[] e = expectedOut.castTo(DataType.DOUBLE).data().asDouble();
        double[] a = actualOut.castTo(DataType.DOUBLE).data().asDouble();
        for (int i = 0; i < e.length; i++) {
          assertEquals(e[i], a[i], tolerance, "output " + i);
        }
      }
    }
  }

  private static int classes(ModelSpec spec) {
    MultiLayerConfiguration conf = spec.configuration();
    return (int) ((OutputLayer) conf.getConf(conf.getConfs().size() - 1).getLayer()).getNOut();
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void conv4InDoubleIsDl4jsFunctionTo1e9(boolean batchNorm) {
    ModelSpec spec = Conv4.of(16, 3).filters(4).downsample("stride").batchNorm(batchNorm).dataType(DataType.DOUBLE).toSpec();
    // two batch sizes in turn, as a support set and a query set: buffers are per size
    assertSameFunction(spec, 16, DataType.DOUBLE, 1e-9, 3, 9);
  }

  /** Batch norm takes its channels in groups of four: 6 filters leave a group of two. */
  @Test
  void channelsThatDoNotFillBatchNormsGroupsAreDl4jsFunctionTo1e9() {
    ModelSpec spec = Conv4.of(16, 3).filters(6).downsample("stride").dataType(DataType.DOUBLE).toSpec();
    assertSameFunction(spec, 16, DataType.DOUBLE, 1e-9, 3, 9);
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void conv4WithMaxPoolingInDoubleIsDl4jsFunctionTo1e9(boolean batchNorm) {
    ModelSpec spec = Conv4.of(16, 3).filters(4).downsample("pool").batchNorm(batchNorm).dataType(DataType.DOUBLE).toSpec();
    assertSameFunction(spec, 16, DataType.DOUBLE, 1e-9, 3, 9);
  }

  /** 20x20 with strides leaves a 2x2 last block: the average pooling layer is there to check. */
  @Test
  void conv4WithGlobalAveragePoolingIsDl4jsFunction() {
    ModelSpec inDouble = Conv4.of(20, 3).filters(4).downsample("stride").globalAveragePooling(true)
        .dataType(DataType.DOUBLE).toSpec();
    assertSameFunction(inDouble, 20, DataType.DOUBLE, 1e-9, 3, 9);
    ModelSpec inFloat = Conv4.of(20, 3).filters(4).downsample("stride").globalAveragePooling(true)
        .dataType(DataType.FLOAT).toSpec();
    assertSameFunction(inFloat, ConvolutionRoute.ONEDNN, 20, DataType.FLOAT, 2e-5, 3, 9);
    // the float route's body is blocks and nothing else: this network keeps oneDNN's stages
    assertEquals(ConvolutionRoute.ONEDNN,
        ConvLearner.routeFor(inFloat.configuration(), ConvolutionRoute.ONEDNN_FLOAT).orElseThrow());
  }

  /** Windows that do not tile the image, with a third of a row left out by truncation: 7 -> 2 over windows of 3. */
  @Test
  void averagePoolingThatTruncatesIsDl4jsFunction() {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.DOUBLE).list()
        .layer(new ConvolutionLayer.Builder(3, 3).nOut(2).convolutionMode(ConvolutionMode.Same)
            .activation(Activation.RELU).build())
        .layer(new org.deeplearning4j.nn.conf.layers.SubsamplingLayer.Builder(
            org.deeplearning4j.nn.conf.layers.SubsamplingLayer.PoolingType.AVG).kernelSize(3, 3).stride(3, 3).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build())
        .setInputType(InputType.convolutional(7, 7, 1))
        .build();
    assertSameFunction(ModelSpec.of(conf), 7, DataType.DOUBLE, 1e-9, 3, 9);
  }

  @Test
  void conv4InFloatAgreesToFloatRounding() {
    ModelSpec spec = Conv4.of(16, 3).filters(4).downsample("stride").dataType(DataType.FLOAT).toSpec();
    assertSameFunction(spec, 16, DataType.FLOAT, 2e-5, 5);
  }

  /** oneDNN computes in float only: its route is checked against DL4J's float network. */
  @ParameterizedTest
  @CsvSource({"stride, true", "stride, false", "pool, true", "pool, false"})
  void conv4ThroughOneDnnIsDl4jsFunctionToFloatRounding(String downsample, boolean batchNorm) {
    ModelSpec spec = Conv4.of(16, 3).filters(4).downsample(downsample).batchNorm(batchNorm).dataType(DataType.FLOAT)
        .toSpec();
    assertSameFunction(spec, ConvolutionRoute.ONEDNN, 16, DataType.FLOAT, 2e-5, 3, 9);
  }

  @Test
  void explicitPaddingWithoutSameModeAndAReluConvolution() {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.DOUBLE)
        .convolutionMode(ConvolutionMode.Truncate).list()
        .layer(new ConvolutionLayer.Builder(3, 3).stride(2, 2).padding(1, 1).nOut(3).activation(Activation.RELU).build())
        .layer(new ConvolutionLayer.Builder(2, 2).stride(1, 1).nOut(2).activation(Activation.IDENTITY).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build())
        .setInputType(InputType.convolutional(16, 16, 1))
        .build();
    assertSameFunction(ModelSpec.of(conf), 16, DataType.DOUBLE, 1e-9, 4);
  }

  /** oneDNN's padding is given per side: explicit, truncating windows and colour images, in float. */
  @Test
  void explicitPaddingAndColourImagesThroughOneDnn() {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT)
        .convolutionMode(ConvolutionMode.Truncate).list()
        .layer(new ConvolutionLayer.Builder(3, 3).stride(2, 2).padding(1, 1).nOut(3).activation(Activation.RELU).build())
        .layer(new ConvolutionLayer.Builder(2, 2).stride(2, 2).nOut(2).activation(Activation.IDENTITY).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build())
        .setInputType(InputType.convolutional(15, 15, 3))
        .build();
    MultiLayerConfiguration grey = conf.clone();
    ((ConvolutionLayer) grey.getConf(0).getLayer()).setNIn(1);
    assertSameFunction(ModelSpec.of(grey), ConvolutionRoute.ONEDNN, 15, DataType.FLOAT, 2e-5, 4);
    ConvLearner fast = ConvLearner.of(conf, ConvolutionRoute.ONEDNN).orElseThrow();
    ConvLearner reference = ConvLearner.of(conf, ConvolutionRoute.LIBND4J).orElseThrow();
    double[] params = ModelSpec.of(conf).initialParams();
    Examples examples = new Examples(Nd4j.rand(DataType.FLOAT, 4, 3, 15, 15),
        Nd4j.createFromArray(new float[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, 0, 0}}));
    double[] expected = new double[params.length];
    double[] actual = new double[params.length];
    double loss = reference.lossAndGradient(params, examples, expected);
    assertEquals(loss, fast.lossAndGradient(params, examples, actual), 1e-5 * loss);
    assertClose(expected, actual, 2e-5, "colour images' gradient");
  }

  /** oneDNN has no double convolutions on the CPU: a double network keeps libnd4j's route, bit for bit. */
  @Test
  void aDoubleNetworkKeepsLibnd4jsRouteUnderOneDnn() {
    ModelSpec spec = Conv4.of(16, 3).filters(4).downsample("stride").dataType(DataType.DOUBLE).toSpec();
    double[] params = spec.initialParams();
    Examples examples = batch(5, 16, 3, DataType.DOUBLE, 3);
    double[] libnd4j = new double[params.length];
    double[] oneDnn = new double[params.length];
    ConvLearner.of(spec.configuration(), ConvolutionRoute.LIBND4J_JAVA_FIRST).orElseThrow()
        .lossAndGradient(params, examples, libnd4j);
    ConvLearner.of(spec.configuration(), ConvolutionRoute.ONEDNN).orElseThrow().lossAndGradient(params, examples, oneDnn);
    org.junit.jupiter.api.Assertions.assertArrayEquals(libnd4j, oneDnn);
  }

  /**
   * A grey image's first convolution runs in Java by default; the native route it replaced stays
   * selectable (to reproduce older runs bit for bit), and the two compute the same loss, gradient and
   * Hessian-vector product to float rounding, as does oneDNN's. (In double, the default agrees with
   * DL4J to 1e-9 above.)
   */
  @ParameterizedTest
  @CsvSource({"stride, LIBND4J_JAVA_FIRST", "pool, LIBND4J_JAVA_FIRST", "stride, ONEDNN", "pool, ONEDNN"})
  void otherRoutesAgreeWithTheNativeOpToFloatRounding(String downsample, ConvolutionRoute route) {
    ModelSpec spec = Conv4.of(16, 3).filters(4).downsample(downsample).dataType(DataType.FLOAT).toSpec();
    ConvLearner inJava = ConvLearner.of(spec.configuration(), route).orElseThrow();
    ConvLearner nativeOnly = ConvLearner.of(spec.configuration(), ConvolutionRoute.LIBND4J).orElseThrow();
    double[] params = perturbed(spec, spec.newDl4jLearner(), 21);
    double[] v = new SplittableRandom(22).doubles(params.length, -1, 1).toArray();
    Examples examples = batch(6, 16, 3, DataType.FLOAT, 23);
    double[] expected = new double[params.length];
    double[] actual = new double[params.length];
    double expectedLoss = nativeOnly.lossAndGradient(params, examples, expected);
    assertEquals(expectedLoss, inJava.lossAndGradient(params, examples, actual), 1e-5 * expectedLoss);
    assertClose(expected, actual, 2e-5, "gradient");
    nativeOnly.hessianVectorProduct(params, examples, v, expected);
    inJava.hessianVectorProduct(params, examples, v, actual);
    assertClose(expected, actual, 2e-5, "Hessian-vector product");
  }

  /**
   * With 16 channels oneDNN keeps activations in blocked layouts and converts them: the R-operator's
   * passes convert the input and its tangent in turn, and each conversion must be the current one.
   */
  @Test
  void oneDnnsBlockedLayoutsGiveTheNativeOpsHessianVectorProduct() {
    ModelSpec spec = Conv4.of(16, 3).filters(16).downsample("stride").dataType(DataType.FLOAT).toSpec();
    ConvLearner oneDnn = ConvLearner.of(spec.configuration(), ConvolutionRoute.ONEDNN).orElseThrow();
    ConvLearner nativeOnly = ConvLearner.of(spec.configuration(), ConvolutionRoute.LIBND4J).orElseThrow();
    double[] params = perturbed(spec, spec.newDl4jLearner(), 31);
    double[] v = new SplittableRandom(32).doubles(params.length, -1, 1).toArray();
    Examples support = batch(5, 16, 3, DataType.FLOAT, 33);
    Examples query = batch(9, 16, 3, DataType.FLOAT, 34);
    double[] expected = new double[params.length];
    double[] actual = new double[params.length];
    // MAML's order: the support set kept for products, the query set, then the product on the support set
    for (ConvLearner learner : new ConvLearner[] {nativeOnly, oneDnn}) {
      double[] out = learner == oneDnn ? actual : expected;
      learner.lossAndGradientForProducts(params, support, out);
      learner.lossAndGradient(params, query, out);
      learner.hessianVectorProduct(params, support, v, out);
    }
    assertClose(expected, actual, 2e-5, "Hessian-vector product");
    oneDnn.lossAndGradient(params, support, actual);
    nativeOnly.lossAndGradient(params, support, expected);
    assertClose(expected, actual, 2e-5, "gradient after the product");
  }

  /**
   * The float route runs conv4's strided body in oneDNN alone, batch norm included, in float: DL4J's
   * loss, gradient and outputs to float rounding, with 4 and 16 filters (oneDNN's blocked layouts),
   * on small and query-sized batches. It has no R-operator, so no exact Hessian-vector product, and a
   * network it does not fit (max pooling between the blocks, a double network) keeps another route.
   */
  @ParameterizedTest
  @CsvSource({"4, 3", "4, 25", "16, 9"})
  void theFloatRouteIsDl4jsFunctionToFloatRounding(int filters, int batch) {
    ModelSpec spec = Conv4.of(16, 3).filters(filters).downsample("stride").dataType(DataType.FLOAT).toSpec();
    assertEquals(Optional.of(ConvolutionRoute.ONEDNN_FLOAT),
        ConvLearner.routeFor(spec.configuration(), ConvolutionRoute.ONEDNN_FLOAT));
    assertSameFunction(spec, ConvolutionRoute.ONEDNN_FLOAT, 16, DataType.FLOAT, 5e-5, batch);
    ConvLearner learner = ConvLearner.of(spec.configuration(), ConvolutionRoute.ONEDNN_FLOAT).orElseThrow();
    assertFalse(learner.exactHessian());
    ModelSpec pooled = Conv4.of(16, 3).filters(4).downsample("pool").dataType(DataType.FLOAT).toSpec();
    assertEquals(Optional.of(ConvolutionRoute.ONEDNN),
        ConvLearner.routeFor(pooled.configuration(), ConvolutionRoute.ONEDNN_FLOAT));
    ModelSpec inDouble = Conv4.of(16, 3).filters(4).downsample("stride").dataType(DataType.DOUBLE).toSpec();
    assertEquals(Optional.of(ConvolutionRoute.LIBND4J_JAVA_FIRST),
        ConvLearner.routeFor(inDouble.configuration(), ConvolutionRoute.ONEDNN_FLOAT));
  }

  /** Colour images' first convolution stays native (not measured faster in Java): both libnd4j routes give the same bits. */
  @Test
  void aFirstConvolutionOverThreeChannelsStaysNative() {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT)
        .convolutionMode(ConvolutionMode.Same).list()
        .layer(new ConvolutionLayer.Builder(3, 3).stride(2, 2).nOut(4).activation(Activation.RELU).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build())
        .setInputType(InputType.convolutional(8, 8, 3))
        .build();
    double[] params = ModelSpec.of(conf).initialParams();
    INDArray images = Nd4j.rand(DataType.FLOAT, 4, 3, 8, 8);
    Examples examples = new Examples(images, Nd4j.createFromArray(new float[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, 0, 0}}));
    double[] javaFirst = new double[params.length];
    double[] nativeOnly = new double[params.length];
    ConvLearner.of(conf, ConvolutionRoute.LIBND4J_JAVA_FIRST).orElseThrow().lossAndGradient(params, examples, javaFirst);
    ConvLearner.of(conf, ConvolutionRoute.LIBND4J).orElseThrow().lossAndGradient(params, examples, nativeOnly);
    org.junit.jupiter.api.Assertions.assertArrayEquals(nativeOnly, javaFirst);
  }

  private static void assertClose(double[] expected, double[] actual, double tolerance, String what) {
    double scale = 0;
    for (double e : expected) {
      scale = Math.max(scale, Math.abs(e));
    }
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], tolerance * scale, what + " entry " + i);
    }
  }

  @Test
  void whatItCannotReproduceStaysWithDl4j() {
    assertTrue(ConvLearner.of(MlpShorthand.parse("1-40-40-1").toSpec().configuration()).isEmpty(), "an MLP");
    MultiLayerConfiguration dropout = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).list()
        .layer(new ConvolutionLayer.Builder(3, 3).nOut(2).dropOut(new Dropout(0.5)).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build())
        .setInputType(InputType.convolutional(8, 8, 1))
        .build();
    assertTrue(ConvLearner.of(dropout).isEmpty(), "dropout");
    MultiLayerConfiguration mse = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).list()
        .layer(new ConvolutionLayer.Builder(3, 3).nOut(2).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(3).activation(Activation.IDENTITY).build())
        .setInputType(InputType.convolutional(8, 8, 1))
        .build();
    assertTrue(ConvLearner.of(mse).isEmpty(), "another loss");
    MultiLayerConfiguration average = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).list()
        .layer(new ConvolutionLayer.Builder(3, 3).nOut(2).build())
        .layer(new org.deeplearning4j.nn.conf.layers.SubsamplingLayer.Builder(
            org.deeplearning4j.nn.conf.layers.SubsamplingLayer.PoolingType.AVG).kernelSize(2, 2).stride(1, 1).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build())
        .setInputType(InputType.convolutional(8, 8, 1))
        .build();
    assertTrue(ConvLearner.of(average).isEmpty(), "average pooling over overlapping windows");
  }

  @Test
  void theModelSpecPicksItForConv4() {
    for (String downsample : new String[] {"stride", "pool"}) {
      Learner learner = Conv4.of(16, 3).filters(4).downsample(downsample).toSpec().newLearner();
      assertTrue(learner instanceof ConvLearner, downsample + ": " + learner.getClass().getName());
    }
  }

  @Test
  void imagesOfAnotherSizeAreRefusedWithTheShapes() {
    ConvLearner fast = ConvLearner.of(Conv4.of(16, 3).filters(4).downsample("stride").toSpec().configuration()).orElseThrow();
    Examples wrong = batch(2, 40, 3, DataType.FLOAT, 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> fast.loss(new double[fast.numParams()], wrong));
    assertTrue(e.getMessage().contains("[1, 40, 40]"), e.getMessage());
  }
}
