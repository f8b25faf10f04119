package io.metaspark.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.core.model.conv.ConvLearner;
import io.metaspark.core.task.Examples;
import io.metaspark.core.task.TaskDescriptor;
import java.util.List;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.CenterLossOutputLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.junit.jupiter.api.Test;

/**
 * Every learner's vector-Jacobian product is the gradient of sum(G * outputs): checked along random
 * directions against central differences of that sum, DL4J's against the fast paths', and, with G
 * the loss's gradient with respect to the outputs, against the learner's own loss gradient.
 */
class VectorJacobianProductTest {
  private static final double STEP = 1e-6;

  /** A network on the fast path, and the examples it takes. */
  private record Case(ModelSpec spec, Examples examples) {}

  private static Case network(String name) {
    return switch (name) {
      case "tanh-mlp" -> new Case(TinyNetworks.tanhMlp("2-6-3"), points(7, 2, 3));
      case "relu-mlp" -> new Case(MlpShorthand.parse("2-8-8-2").dataType(DataType.DOUBLE).seed(4).toSpec(),
          points(9, 2, 2));
      // conv4 with batch norm, strided; and with max pooling
      case "conv4-batch-norm" -> new Case(TinyNetworks.batchNormConv4(), images(TinyNetworks.batchNormConv4()));
      case "conv4-pooling" -> {
        ModelSpec spec = Conv4.of(16, 3).filters(3).downsample("pool").dataType(DataType.DOUBLE).seed(8).toSpec();
        yield new Case(spec, images(spec));
      }
      default -> throw new IllegalArgumentException(name);
    };
  }

  private static Examples points(int n, int inputs, int outputs) {
    SplittableRandom random = new SplittableRandom(n);
    return new Examples(Nd4j.create(gaussian(random, n * inputs), new long[] {n, inputs}, DataType.DOUBLE),
        Nd4j.create(gaussian(random, n * outputs), new long[] {n, outputs}, DataType.DOUBLE));
  }

  private static Examples images(ModelSpec spec) {
    return NoiseImages.episodes(16, 3, 2).sample(new TaskDescriptor(0, 0, 13), DataType.DOUBLE).query();
  }

  @ParameterizedTest
  @ValueSource(strings = {"tanh-mlp", "relu-mlp", "conv4-batch-norm", "conv4-pooling"})
  void eachLearnersProductIsTheDerivativeOfTheWeightedOutputs(String name) {
    Case c = network(name);
    Learner fast = c.spec().newLearner();
    assertTrue(fast instanceof DenseLearner || fast instanceof ConvLearner, fast.getClass().getSimpleName());
    Dl4jLearner dl4j = c.spec().newDl4jLearner();
    SplittableRandom random = new SplittableRandom(name.hashCode());
    double[] theta = perturbed(c.spec().initialParams(), dl4j.runningStatistics(), random);
    INDArray features = c.examples().features();
    long outputs = c.examples().labels().size(1);
    INDArray g = Nd4j.create(gaussian(random, (int) (features.size(0) * outputs)), new long[] {features.size(0), outputs},
        DataType.DOUBLE);

    double[] fastProduct = new double[theta.length];
    fast.vectorJacobianProduct(theta, features, g, fastProduct);
    double[] dl4jProduct = new double[theta.length];
    dl4j.vectorJacobianProduct(theta, features, g, dl4jProduct);

    for (Learner learner : List.of(fast, dl4j)) {
      double[] product = learner == fast ? fastProduct : dl4jProduct;
      for (int d = 0; d < 3; d++) {
        double[] direction = gaussian(random, theta.length);
        for (int i : dl4j.runningStatistics()) {
          direction[i] = 0;
        }
        double along = weightedOutputs(learner, step(theta, STEP, direction), features, g)
            - weightedOutputs(learner, step(theta, -STEP, direction), features, g);
        double expected = along / (2 * STEP);
        assertEquals(expected, dot(product, direction), 1e-6 * (1 + Math.abs(expected)),
            name + ", " + learner.getClass().getSimpleName() + ", direction " + d);
      }
      for (int i : dl4j.runningStatistics()) {
        assertEquals(0.0, product[i], name + ": running statistic " + i);
      }
    }
    double scale = Math.sqrt(dot(fastProduct, fastProduct));
    for (int i = 0; i < theta.length; i++) {
      assertEquals(dl4jProduct[i], fastProduct[i], 1e-9 * scale, name + ": DL4J and the fast path, entry " + i);
    }
  }

  /** With G = dL/d(outputs), the product is the loss's gradient: MSE's 2 (y' - y) / (n m), cross-entropy's -y / (n p). */
  @ParameterizedTest
  @ValueSource(strings = {"tanh-mlp", "conv4-batch-norm"})
  void withTheLossGradientAsGTheProductIsTheLossGradient(String name) {
    Case c = network(name);
    for (Learner learner : List.of(c.spec().newLearner(), c.spec().newDl4jLearner())) {
      double[] theta = c.spec().initialParams();
      INDArray outputs = learner.outputs(theta, c.examples().features()).castTo(DataType.DOUBLE);
      INDArray labels = c.examples().labels();
      long n = labels.size(0);
      INDArray g = name.startsWith("conv4")
          ? labels.div(outputs).divi(-n)
          : outputs.sub(labels).muli(2.0 / (n * labels.size(1)));
      double[] product = new double[theta.length];
      learner.vectorJacobianProduct(theta, c.examples().features(), g, product);
      double[] gradient = new double[theta.length];
      learner.lossAndGradient(theta, c.examples(), gradient);
      double scale = Math.sqrt(dot(gradient, gradient));
      for (int i = 0; i < theta.length; i++) {
        assertEquals(gradient[i], product[i], 1e-9 * scale, name + ", " + learner.getClass().getSimpleName() + ", " + i);
      }
    }
  }

  @Test
  void dl4jRefusesAnOutputLayerThatAddsTermsOfItsOwn() {
    ModelSpec centerLoss = ModelSpec.of(new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.DOUBLE).list()
        .layer(new DenseLayer.Builder().nIn(2).nOut(3).activation(Activation.TANH).build())
        .layer(new CenterLossOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(3).nOut(2)
            .activation(Activation.SOFTMAX).build())
        .build());
    Examples examples = points(4, 2, 2);
    String message = assertThrows(UnsupportedOperationException.class, () -> centerLoss.newDl4jLearner()
        .vectorJacobianProduct(centerLoss.initialParams(), examples.features(), examples.labels(),
            new double[centerLoss.initialParams().length])).getMessage();
    assertTrue(message.contains("CenterLossOutputLayer"), message);
  }

  private static double weightedOutputs(Learner learner, double[] params, INDArray features, INDArray g) {
    return learner.outputs(params, features).castTo(DataType.DOUBLE).mul(g).sumNumber().doubleValue();
  }

  /** Initial parameters moved off DL4J's constant biases, so no unit sits at its kink; running statistics kept. */
  private static double[] perturbed(double[] params, int[] runningStatistics, SplittableRandom random) {
    double[] out = params.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] += 0.05 * random.nextGaussian();
    }
    for (int i : runningStatistics) {
      out[i] = params[i];
    }
    return out;
  }

  private static double[] gaussian(SplittableRandom random, int n) {
    double[] values = new double[n];
    for (int i = 0; i < n; i++) {
      values[i] = random.nextGaussian();
    }
    return values;
  }

  private static double[] step(double[] x, double a, double[] d) {
    double[] out = x.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] += a * d[i];
    }
    return out;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
