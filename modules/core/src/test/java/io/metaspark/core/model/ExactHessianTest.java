package io.metaspark.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.core.model.conv.ConvLearner;
import io.metaspark.core.task.Examples;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The exact Hessian-vector products of the fast learners against the Hessian assembled from central
 * differences of their gradients at points where no kink lies within the step, and against the
 * symmetry every Hessian has.
 */
class ExactHessianTest {
  private static final double STEP = 1e-5;

  static Stream<String> networks() {
    return networkSpecs().keySet().stream();
  }

  private static Map<String, ModelSpec> networkSpecs() {
    Map<String, ModelSpec> specs = new LinkedHashMap<>();
    specs.put("mlp 3-7-5-2 relu", mlp("3-7-5-2", "relu", "identity"));
    specs.put("mlp 3-7-5-2 tanh then sigmoid", mlp("3-7-5-2", "tanh", "sigmoid"));
    specs.put("mlp 2-6-3 sigmoid then tanh", mlp("2-6-3", "sigmoid", "tanh"));
    specs.put("mlp 1-40-40-1 relu (sinusoid)", mlp("1-40-40-1", "relu", "identity"));
    for (String downsample : new String[] {"stride", "pool"}) {
      for (boolean batchNorm : new boolean[] {true, false}) {
        specs.put("conv4 " + downsample + (batchNorm ? " batch norm" : ""),
            Conv4.of(16, 3).filters(3).downsample(downsample).batchNorm(batchNorm).dataType(DataType.DOUBLE).seed(5)
                .toSpec());
      }
    }
    // 20x20 with strides leaves a 2x2 last block, which the average takes to one value per filter
    specs.put("conv4 stride batch norm, global average pooling",
        Conv4.of(20, 3).filters(3).downsample("stride").globalAveragePooling(true).outputInit("standard-normal")
            .dataType(DataType.DOUBLE).seed(5).toSpec());
    specs.put("padded relu convolutions", ModelSpec.of(paddedReluConvolutions()));
    return specs;
  }

  private static ModelSpec mlp(String sizes, String hidden, String output) {
    return MlpShorthand.parse(sizes).activation(hidden).outputActivation(output).dataType(DataType.DOUBLE).seed(17)
        .toSpec();
  }

  private static MultiLayerConfiguration paddedReluConvolutions() {
    return new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.DOUBLE)
        .convolutionMode(ConvolutionMode.Truncate).list()
        .layer(new ConvolutionLayer.Builder(3, 3).stride(2, 2).padding(1, 1).nOut(3).activation(Activation.RELU).build())
        .layer(new ConvolutionLayer.Builder(2, 2).stride(1, 1).nOut(2).activation(Activation.IDENTITY).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build())
        .setInputType(InputType.convolutional(8, 8, 1))
        .build();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("networks")
  void productsAreTheColumnsOfTheHessianOfCentralDifferences(String name) {
    ModelSpec spec = networkSpecs().get(name);
    Learner learner = spec.newLearner();
    assertTrue(learner.exactHessian(), name + ": " + learner.getClass().getSimpleName());
    Learner exact = learner;
    MultiLayerNetwork network = spec.newNetwork();
    int[] running = spec.newDl4jLearner().runningStatistics();
    SplittableRandom random = new SplittableRandom(name.hashCode());
    double[][] reference = null;
    double[] params = null;
    Examples examples = null;
    int refused = 0;
    while (reference == null) {
      params = perturbed(spec, running, random);
      examples = examples(spec, random);
      Optional<double[][]> hessian = HessianReference.hessian(learner, network, params, examples, STEP);
      if (hessian.isPresent()) {
        reference = hessian.get();
      } else {
        refused++;
        assertTrue(refused < 10, name + ": every point drawn has a kink within the step");
      }
    }
    int n = params.length;
    double scale = 0;
    for (double[] column : reference) {
      for (double h : column) {
        scale = Math.max(scale, Math.abs(h));
      }
    }
    assertTrue(scale > 0, name + ": the Hessian is not zero");
    double[] unit = new double[n];
    double[] product = new double[n];
    double worst = 0;
    for (int j = 0; j < n; j++) {
      unit[j] = 1;
      exact.hessianVectorProduct(params, examples, unit, product);
      unit[j] = 0;
      for (int i = 0; i < n; i++) {
        worst = Math.max(worst, Math.abs(product[i] - reference[j][i]));
      }
    }
    assertTrue(worst <= 1e-6 * scale, name + ": largest difference " + worst + " for Hessian entries up to " + scale);
    // running statistics are not weights: their rows are zero (their columns may not be: the
    // function does not depend on them, but a product with them reads nothing, so they never matter)
    double[] v = gaussian(random, n);
    exact.hessianVectorProduct(params, examples, v, product);
    for (int i : running) {
      assertEquals(0.0, product[i], name + ": running statistic " + i);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("networks")
  void theProductIsSymmetric(String name) {
    ModelSpec spec = networkSpecs().get(name);
    Learner exact = spec.newLearner();
    int[] running = spec.newDl4jLearner().runningStatistics();
    SplittableRandom random = new SplittableRandom(7 + name.hashCode());
    for (int draw = 0; draw < 3; draw++) {
      double[] params = perturbed(spec, running, random);
      Examples examples = examples(spec, random);
      double[] u = gaussian(random, params.length);
      double[] v = gaussian(random, params.length);
      for (int i : running) {
        u[i] = 0;
        v[i] = 0;
      }
      double[] hu = new double[params.length];
      double[] hv = new double[params.length];
      exact.hessianVectorProduct(params, examples, u, hu);
      exact.hessianVectorProduct(params, examples, v, hv);
      double uHv = dot(u, hv);
      double vHu = dot(v, hu);
      double size = Math.sqrt(dot(u, u) * dot(hv, hv));
      assertEquals(uHv, vHu, 1e-10 * size, name + ": u.Hv against v.Hu");
    }
  }

  /**
   * MAML's order: the last inner gradient on the support set, kept; a query gradient of the same
   * shape; then the product at the kept point, which reuses the kept passes. It must be the product
   * computed from scratch, and a product elsewhere must not reuse them.
   */
  @Test
  void aProductReusingAKeptGradientIsTheProductComputedAfresh() {
    for (String downsample : new String[] {"stride", "pool"}) {
      ModelSpec spec = Conv4.of(16, 3).filters(3).downsample(downsample).dataType(DataType.DOUBLE).seed(5).toSpec();
      int[] running = spec.newDl4jLearner().runningStatistics();
      SplittableRandom random = new SplittableRandom(11);
      double[] params = perturbed(spec, running, random);
      double[] elsewhere = perturbed(spec, running, random);
      Examples support = examples(spec, random);
      Examples query = examples(spec, random);
      double[] v = gaussian(random, params.length);
      double[] expected = new double[params.length];
      double[] expectedElsewhere = new double[params.length];
      Learner fresh = spec.newLearner();
      fresh.hessianVectorProduct(params, support, v, expected);
      fresh.hessianVectorProduct(elsewhere, support, v, expectedElsewhere);

      Learner reusing = spec.newLearner();
      double[] gradient = new double[params.length];
      reusing.lossAndGradientForProducts(params, support, gradient);
      reusing.lossAndGradient(elsewhere, query, gradient);
      double[] actual = new double[params.length];
      for (int round = 0; round < 2; round++) {
        reusing.hessianVectorProduct(params, support, v, actual);
        assertClose(expected, actual, downsample + ", product " + round + " at the kept point");
      }
      reusing.hessianVectorProduct(elsewhere, support, v, actual);
      assertClose(expectedElsewhere, actual, downsample + ", at other parameters");
    }
  }

  private static void assertClose(double[] expected, double[] actual, String what) {
    double error = Math.sqrt(distanceSquared(actual, expected) / dot(expected, expected));
    assertTrue(error < 1e-12, what + ": relative error " + error);
  }

  @Test
  void aFloatConvolutionalNetworkAgreesWithItsDoubleTwinToFloatRounding() {
    for (String downsample : new String[] {"stride", "pool"}) {
      ModelSpec single = Conv4.of(16, 3).filters(4).downsample(downsample).dataType(DataType.FLOAT).seed(5).toSpec();
      ModelSpec twin = Conv4.of(16, 3).filters(4).downsample(downsample).dataType(DataType.DOUBLE).seed(5).toSpec();
      Learner inFloat = single.newLearner();
      Learner inDouble = twin.newLearner();
      SplittableRandom random = new SplittableRandom(3);
      int[] running = twin.newDl4jLearner().runningStatistics();
      // float-representable parameters, so both networks compute with the same ones
      double[] params = perturbed(twin, running, random);
      for (int i = 0; i < params.length; i++) {
        params[i] = (float) params[i];
      }
      Examples doubles = examples(twin, random);
      Examples floats = new Examples(doubles.features().castTo(DataType.FLOAT), doubles.labels().castTo(DataType.FLOAT));
      double[] v = gaussian(random, params.length);
      for (int i : running) {
        v[i] = 0;
      }
      double[] expected = new double[params.length];
      double[] actual = new double[params.length];
      inDouble.hessianVectorProduct(params, doubles, v, expected);
      inFloat.hessianVectorProduct(params, floats, v, actual);
      double error = Math.sqrt(distanceSquared(actual, expected) / dot(expected, expected));
      assertTrue(error < 1e-4, downsample + ": relative error " + error);
    }
  }

  /** Away from the initialization (gamma 1, beta 0), so every term of the Hessian matters. */
  static double[] perturbed(ModelSpec spec, int[] running, SplittableRandom random) {
    double[] params = spec.initialParams();
    java.util.Set<Integer> stats = new java.util.HashSet<>();
    for (int i : running) {
      stats.add(i);
    }
    for (int i = 0; i < params.length; i++) {
      if (!stats.contains(i)) {
        params[i] += 0.2 * random.nextGaussian();
      }
    }
    return params;
  }

  /** A batch the network takes: 6 rows of U[-2, 2] inputs, or 6 sparse 16x16 images of 3 classes. */
  static Examples examples(ModelSpec spec, SplittableRandom random) {
    MultiLayerConfiguration conf = spec.configuration();
    OutputLayer output = (OutputLayer) conf.getConf(conf.getConfs().size() - 1).getLayer();
    int outputs = (int) output.getNOut();
    int n = 6;
    if (conf.getInputPreProcessors().isEmpty()) {
      int inputs = (int) ((org.deeplearning4j.nn.conf.layers.FeedForwardLayer) conf.getConf(0).getLayer()).getNIn();
      double[][] x = new double[n][inputs];
      double[][] y = new double[n][outputs];
      for (int r = 0; r < n; r++) {
        for (int i = 0; i < inputs; i++) {
          x[r][i] = 4 * random.nextDouble() - 2;
        }
        for (int o = 0; o < outputs; o++) {
          y[r][o] = random.nextDouble();
        }
      }
      return new Examples(Nd4j.createFromArray(x), Nd4j.createFromArray(y));
    }
    int size = imageSize(conf, (int) output.getNIn());
    double[][][][] pixels = new double[n][1][size][size];
    double[][] labels = new double[n][outputs];
    for (int i = 0; i < n; i++) {
      for (int y = 0; y < size; y++) {
        for (int x = 0; x < size; x++) {
          pixels[i][0][y][x] = random.nextDouble() < 0.3 ? random.nextDouble() : 0;
        }
      }
      labels[i][i % outputs] = 1;
    }
    return new Examples(Nd4j.create(pixels), Nd4j.create(labels));
  }

  /**
   * The side of the square grey images a network here was built for: the first of the sizes used
   * that fits every pooling window and gives the output layer its inputs.
   */
  private static int imageSize(MultiLayerConfiguration conf, int outputInputs) {
    for (int size : new int[] {16, 8, 20}) {
      InputType image = InputType.convolutional(size, size, 1);
      List<InputType> types = conf.getLayerActivationTypes(image);
      boolean fits = types.get(types.size() - 2).arrayElementsPerExample() == outputInputs;
      for (int l = 0; l < types.size() && fits; l++) {
        if (conf.getConf(l).getLayer() instanceof SubsamplingLayer pooling) {
          InputType.InputTypeConvolutional in = (InputType.InputTypeConvolutional) (l == 0 ? image : types.get(l - 1));
          fits = in.getHeight() >= pooling.getKernelSize()[0] && in.getWidth() >= pooling.getKernelSize()[1];
        }
      }
      if (fits) {
        return size;
      }
    }
    throw new IllegalArgumentException("no image size fits " + conf.toJson());
  }

  static double[] gaussian(SplittableRandom random, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = random.nextGaussian();
    }
    return v;
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static double distanceSquared(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (a[i] - b[i]) * (a[i] - b[i]);
    }
    return s;
  }
}
