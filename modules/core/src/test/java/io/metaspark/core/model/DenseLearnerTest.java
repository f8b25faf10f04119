package io.metaspark.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.algo.FirstOrderMaml;
import io.metaspark.core.algo.HessianVectorProduct;
import io.metaspark.core.algo.Maml;
import io.metaspark.core.algo.ScalarSgd;
import io.metaspark.core.task.Examples;
import io.metaspark.core.task.SinusoidTaskFamily;
import io.metaspark.core.task.TaskData;
import io.metaspark.core.task.TaskDescriptor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.weightnoise.DropConnect;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The fast path against real DL4J networks in double precision: same function, same gradient. */
class DenseLearnerTest {
  private static final String[] ACTIVATIONS = {"identity", "relu", "tanh", "sigmoid"};

  static Stream<Arguments> networks() {
    List<Arguments> cases = new ArrayList<>();
    for (String sizes : new String[] {"1-40-40-1", "3-7-5-2", "1-1"}) {
      boolean hasHidden = sizes.split("-").length > 2;
      for (String activation : ACTIVATIONS) {
        if (hasHidden) {
          cases.add(Arguments.of(sizes, activation, "identity"));
        }
        if (!hasHidden || !activation.equals("identity")) {
          cases.add(Arguments.of(sizes, hasHidden ? activation : "identity", activation));
        }
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} {1} then {2}")
  @MethodSource("networks")
  void lossAndGradientAreDl4jsOnRandomParametersAndBatches(String sizes, String hidden, String output) {
    ModelSpec spec = doubleMlp(sizes, hidden, output);
    Learner fast = spec.newLearner();
    Learner dl4j = spec.newDl4jLearner();
    assertInstanceOf(DenseLearner.class, fast);
    assertEquals(dl4j.numParams(), fast.numParams());
    int[] widths = widths(sizes);
    SplittableRandom random = new SplittableRandom(sizes.hashCode() * 31L + hidden.hashCode() * 7L + output.hashCode());
    int draws = 0;
    int nonzeroGradients = 0;
    // shrinking after growing too: the work buffers keep rows from the larger batch
    for (int rows : new int[] {10, 1, 3, 25}) {
      for (int draw = 0; draw < 2; draw++) {
        double[] params = uniform(random, fast.numParams());
        Examples ex = randomExamples(random, rows, widths[0], widths[widths.length - 1]);
        double[] expectedGradient = new double[params.length];
        double expected = dl4j.lossAndGradient(params, ex, expectedGradient);
        double[] gradient = new double[params.length];
        double loss = fast.lossAndGradient(params, ex, gradient);
        String where = rows + " rows, draw " + draw;
        assertEquals(expected, loss, 1e-12 * Math.abs(expected), where);
        assertEquals(expected, fast.loss(params, ex), 1e-12 * Math.abs(expected), where);
        assertArrayEquals(expectedGradient, gradient, 1e-9 * maxAbs(expectedGradient), where);
        draws++;
        nonzeroGradients += maxAbs(expectedGradient) > 0 ? 1 : 0;
      }
    }
    // a ReLU output unit can be dead on a whole batch; most draws must still compare real gradients
    assertTrue(2 * nonzeroGradients >= draws, nonzeroGradients + " of " + draws + " gradients are not zero");
  }

  @Test
  void parametersAreDl4jsFlatLayoutLayerByLayerColumnMajorWeightsThenBias() {
    ModelSpec spec = doubleMlp("3-7-5-2", "tanh", "identity");
    int n = spec.newLearner().numParams();
    double[] params = new double[n];
    for (int k = 0; k < n; k++) {
      params[k] = k + 1;
    }
    MultiLayerNetwork net = spec.newDl4jLearner().network(params);
    int[] widths = widths("3-7-5-2");
    int offset = 0;
    for (int l = 0; l < widths.length - 1; l++) {
      INDArray w = net.getLayer(l).getParam("W");
      INDArray b = net.getLayer(l).getParam("b");
      assertArrayEquals(new long[] {widths[l], widths[l + 1]}, w.shape());
      for (int i = 0; i < widths[l]; i++) {
        for (int j = 0; j < widths[l + 1]; j++) {
          assertEquals(params[offset + i + j * widths[l]], w.getDouble(i, j), 0.0, "W(" + i + ", " + j + ") of layer " + l);
        }
      }
      offset += widths[l] * widths[l + 1];
      for (int j = 0; j < widths[l + 1]; j++) {
        assertEquals(params[offset + j], b.getDouble(j), 0.0, "b(" + j + ") of layer " + l);
      }
      offset += widths[l + 1];
    }
    assertEquals(n, offset);
  }

  @Test
  void reluDerivativeAtExactlyZeroIsDl4jsZero() {
    ModelSpec spec = doubleMlp("2-3-2", "relu", "identity");
    Learner fast = spec.newLearner();
    Learner dl4j = spec.newDl4jLearner();
    double[] params = new double[fast.numParams()];
    Arrays.fill(params, 0.5);
    // hidden unit 0: zero incoming weights and zero bias, so its pre-activation is exactly 0
    params[0] = 0;
    params[1] = 0;
    params[6] = 0;
    Examples ex = new Examples(Nd4j.createFromArray(new double[][] {{1, 2}, {-3, 0.5}}),
        Nd4j.createFromArray(new double[][] {{0, 1}, {2, -1}}));
    double[] expected = new double[params.length];
    double[] actual = new double[params.length];
    assertEquals(dl4j.lossAndGradient(params, ex, expected), fast.lossAndGradient(params, ex, actual), 1e-15);
    assertEquals(0.0, expected[0], "DL4J's ReLU step at 0");
    assertArrayEquals(expected, actual, 1e-15);
  }

  @Test
  void viewsOffsetsAndFOrderExamplesReadTheSameValuesAsContiguousOnes() {
    ModelSpec spec = doubleMlp("3-7-5-2", "relu", "identity");
    Learner fast = spec.newLearner();
    SplittableRandom random = new SplittableRandom(5);
    double[] params = uniform(random, fast.numParams());
    INDArray bigFeatures = Nd4j.createFromArray(uniformMatrix(random, 30, 3));
    INDArray bigLabels = Nd4j.createFromArray(uniformMatrix(random, 30, 2));
    Examples contiguous = new Examples(
        bigFeatures.get(NDArrayIndex.interval(10, 20), NDArrayIndex.all()).dup('c'),
        bigLabels.get(NDArrayIndex.interval(10, 20), NDArrayIndex.all()).dup('c'));
    double[] expectedGradient = new double[params.length];
    double expected = fast.lossAndGradient(params, contiguous, expectedGradient);

    Examples offsetViews = new Examples(
        bigFeatures.get(NDArrayIndex.interval(10, 20), NDArrayIndex.all()),
        bigLabels.get(NDArrayIndex.interval(10, 20), NDArrayIndex.all()));
    Examples fOrder = new Examples(contiguous.features().dup('f'), contiguous.labels().dup('f'));
    Examples strided = new Examples(
        Nd4j.createFromArray(uniformMatrix(random, 10, 6)).get(NDArrayIndex.all(), NDArrayIndex.interval(0, 3)).assign(contiguous.features()),
        contiguous.labels());
    for (Examples ex : new Examples[] {offsetViews, fOrder, strided}) {
      double[] gradient = new double[params.length];
      assertEquals(expected, fast.lossAndGradient(params, ex, gradient), 0.0);
      assertArrayEquals(expectedGradient, gradient, 0.0);
    }
  }

  @Test
  void floatNetworksKeepTheirTypeAndAgreeWithDl4jToFloatRounding() {
    ModelSpec spec = MlpShorthand.parse("1-40-40-1").seed(5).toSpec();
    Learner fast = spec.newLearner();
    Learner dl4j = spec.newDl4jLearner();
    assertInstanceOf(DenseLearner.class, fast);
    assertEquals(DataType.FLOAT, fast.dataType());
    Examples ex = SinusoidTaskFamily.mamlProtocol(10, 10).sample(new TaskDescriptor(0, 2, 31), DataType.FLOAT).support();
    double[] params = spec.initialParams();
    double[] expectedGradient = new double[params.length];
    double[] gradient = new double[params.length];
    double expected = dl4j.lossAndGradient(params, ex, expectedGradient);
    assertEquals(expected, fast.lossAndGradient(params, ex, gradient), 1e-5 * expected);
    assertArrayEquals(expectedGradient, gradient, 1e-4 * maxAbs(expectedGradient));
  }

  /**
   * The learner keeps the last parameters' layouts for the next call with the same values: a caller
   * that changes its array in place between calls must still get the new parameters' results, and
   * a gradient after a forward-only call at the same parameters must not miss a layout.
   */
  @Test
  void parametersChangedInPlaceAreNotMistakenForTheLastOnes() {
    ModelSpec spec = doubleMlp("1-40-40-1", "relu", "identity");
    Learner reused = spec.newLearner();
    Examples ex = SinusoidTaskFamily.mamlProtocol(10, 10).sample(new TaskDescriptor(0, 2, 31), DataType.DOUBLE).support();
    double[] params = spec.initialParams();
    reused.outputs(params, ex.features());
    double[] gradient = new double[params.length];
    double[] expected = new double[params.length];
    double loss = reused.lossAndGradient(params, ex, gradient);
    assertEquals(spec.newLearner().lossAndGradient(params, ex, expected), loss, 0.0);
    assertArrayEquals(expected, gradient, 0.0);
    for (int i = 0; i < params.length; i += 7) {
      params[i] += 0.01;
    }
    loss = reused.lossAndGradient(params, ex, gradient);
    assertEquals(spec.newLearner().lossAndGradient(params, ex, expected), loss, 0.0);
    assertArrayEquals(expected, gradient, 0.0);
  }

  @Test
  void refusesWhatItCannotReproduceExactly() {
    assertTrue(DenseLearner.of(conf(new NeuralNetConfiguration.Builder(), dense(), output())).isPresent(),
        "the plain network these variations start from is accepted");
    Map<String, MultiLayerConfiguration> refused = new LinkedHashMap<>();
    refused.put("dropout", conf(new NeuralNetConfiguration.Builder(), dense().dropOut(0.8), output()));
    refused.put("L2", conf(new NeuralNetConfiguration.Builder().l2(1e-3), dense(), output()));
    refused.put("weight decay", conf(new NeuralNetConfiguration.Builder().weightDecay(1e-3), dense(), output()));
    refused.put("weight noise", conf(new NeuralNetConfiguration.Builder(), dense().weightNoise(new DropConnect(0.9)), output()));
    refused.put("softplus", conf(new NeuralNetConfiguration.Builder(), dense().activation(Activation.SOFTPLUS), output()));
    refused.put("elu", conf(new NeuralNetConfiguration.Builder(), dense().activation(Activation.ELU), output()));
    refused.put("capped relu", conf(new NeuralNetConfiguration.Builder(), dense().activation(new ActivationReLU(6.0, null, null)), output()));
    refused.put("MCXENT", conf(new NeuralNetConfiguration.Builder(), dense(),
        new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(8).nOut(2).activation(Activation.SOFTMAX)));
    refused.put("no bias", conf(new NeuralNetConfiguration.Builder(), dense().hasBias(false), output()));
    refused.put("batch norm", new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).list()
        .layer(dense().build())
        .layer(new BatchNormalization.Builder().nIn(8).nOut(8).build())
        .layer(output().build())
        .build());
    refused.forEach((what, conf) -> {
      assertTrue(DenseLearner.of(conf).isEmpty(), what);
      assertInstanceOf(Dl4jLearner.class, ModelSpec.of(conf).newLearner(), what);
    });
  }

  @Test
  void mamlMetaGradientIsTheSameWithBothLearners() {
    HessianVectorProduct hvp = HessianVectorProduct.exactWhereAvailable(0);
    for (ModelSpec spec : new ModelSpec[] {doubleMlp("1-40-40-1", "relu", "identity"), TinyNetworks.tanhMlp("1-8-8-1")}) {
      TaskData task = SinusoidTaskFamily.mamlProtocol(10, 10).sample(new TaskDescriptor(1, 3, 2024), DataType.DOUBLE);
      double[] theta = spec.initialParams();
      for (int steps : new int[] {1, 3}) {
        Maml maml = new Maml(new Adaptation(new ScalarSgd(0.01), steps), hvp);
        double[] expected = maml.compute(spec.newDl4jLearner(), theta, task, false).metaGradient();
        double[] actual = maml.compute(spec.newLearner(), theta, task, false).metaGradient();
        double error = relativeError(actual, expected);
        assertTrue(error < 1e-6, steps + " inner steps: relative error " + error);
        // the Hessian term matters here, so the agreement covers more than the query gradient
        double[] firstOrder = new FirstOrderMaml(maml.adaptation()).compute(spec.newLearner(), theta, task, false)
            .metaGradient();
        assertTrue(relativeError(firstOrder, expected) > 100 * error, steps + " inner steps");
      }
    }
  }

  @Test
  void wrongParameterCountsAndShapesAreRefusedNamingTheProblem() {
    Learner fast = doubleMlp("3-7-5-2", "relu", "identity").newLearner();
    Examples ex = randomExamples(new SplittableRandom(1), 4, 3, 2);
    IllegalArgumentException count = assertThrows(IllegalArgumentException.class, () -> fast.loss(new double[3], ex));
    assertTrue(count.getMessage().contains("expected " + fast.numParams() + " parameters, got 3"), count.getMessage());
    Examples narrow = randomExamples(new SplittableRandom(1), 4, 2, 2);
    IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
        () -> fast.loss(new double[fast.numParams()], narrow));
    assertTrue(shape.getMessage().contains("features must be [rows, 3]"), shape.getMessage());
  }

  private static ModelSpec doubleMlp(String sizes, String hidden, String output) {
    return MlpShorthand.parse(sizes).activation(hidden).outputActivation(output).dataType(DataType.DOUBLE).seed(17).toSpec();
  }

  private static DenseLayer.Builder dense() {
    return new DenseLayer.Builder().nIn(3).nOut(8).activation(Activation.TANH);
  }

  private static OutputLayer.Builder output() {
    return new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(8).nOut(2).activation(Activation.IDENTITY);
  }

  private static MultiLayerConfiguration conf(NeuralNetConfiguration.Builder base, DenseLayer.Builder hidden,
      OutputLayer.Builder output) {
    return base.dataType(DataType.DOUBLE).list().layer(hidden.build()).layer(output.build()).build();
  }

  private static int[] widths(String sizes) {
    return Stream.of(sizes.split("-")).mapToInt(Integer::parseInt).toArray();
  }

  private static Examples randomExamples(SplittableRandom random, int rows, int inputs, int outputs) {
    double[][] x = uniformMatrix(random, rows, inputs);
    for (double[] row : x) {
      for (int i = 0; i < row.length; i++) {
        row[i] *= 5;
      }
    }
    return new Examples(Nd4j.createFromArray(x), Nd4j.createFromArray(uniformMatrix(random, rows, outputs)));
  }

  private static double[][] uniformMatrix(SplittableRandom random, int rows, int columns) {
    double[][] m = new double[rows][];
    for (int r = 0; r < rows; r++) {
      m[r] = uniform(random, columns);
    }
    return m;
  }

  private static double[] uniform(SplittableRandom random, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = 2 * random.nextDouble() - 1;
    }
    return v;
  }

  private static double maxAbs(double[] v) {
    double max = 0;
    for (double x : v) {
      max = Math.max(max, Math.abs(x));
    }
    return max;
  }

  private static double relativeError(double[] actual, double[] expected) {
    double diff = 0;
    double norm = 0;
    for (int i = 0; i < actual.length; i++) {
      diff += (actual[i] - expected[i]) * (actual[i] - expected[i]);
      norm += expected[i] * expected[i];
    }
    return Math.sqrt(diff / norm);
  }
}
