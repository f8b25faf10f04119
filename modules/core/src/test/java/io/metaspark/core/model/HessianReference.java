package io.metaspark.core.model;

import io.metaspark.core.task.Examples;
import java.util.List;
import java.util.Optional;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The independent reference exact Hessian-vector products are checked against: the Hessian
 * assembled column by column from central differences of the gradient, only where no ReLU or
 * max-pooling kink lies within the step. Where one does, the difference measures the gradient's
 * jump, not the Hessian, so such points are refused, as detected from DL4J's own forward pass.
 */
public final class HessianReference {
  private HessianReference() {}

  /**
   * Which piece of each piecewise-linear unit the network is in at {@code params} on
   * {@code features}: the sign of every ReLU's input and the argmax of every max-pooling window,
   * read from DL4J's forward pass (training mode: batch statistics, as the learners).
   */
  public static String kinkPattern(MultiLayerNetwork network, double[] params, INDArray features) {
    network.setParams(Nd4j.createFromArray(params).castTo(network.params().dataType()).reshape(1, params.length));
    List<INDArray> activations = network.feedForward(features.castTo(network.params().dataType()), true);
    StringBuilder pattern = new StringBuilder();
    for (int l = 0; l < network.getnLayers(); l++) {
      Layer layer = network.getLayer(l).conf().getLayer();
      INDArray in = activations.get(l).castTo(DataType.DOUBLE);
      INDArray out = activations.get(l + 1).castTo(DataType.DOUBLE);
      if (isRelu(layer)) {
        for (double a : out.data().asDouble()) {
          pattern.append(a > 0 ? '1' : '0');
        }
      } else if (layer instanceof SubsamplingLayer pooling && pooling.getPoolingType() == PoolingType.MAX) {
        appendArgmaxes(pooling, in, pattern);
      }
      pattern.append('|');
    }
    return pattern.toString();
  }

  private static boolean isRelu(Layer layer) {
    IActivation activation = layer instanceof ActivationLayer a ? a.getActivationFn()
        : layer instanceof BaseLayer b ? b.getActivationFn() : null;
    return activation instanceof ActivationReLU;
  }

  /** The first maximum of each window, in row-major order; windows without padding, as conv4's. */
  private static void appendArgmaxes(SubsamplingLayer pooling, INDArray in, StringBuilder pattern) {
    int[] k = pooling.getKernelSize();
    int[] s = pooling.getStride();
    if (pooling.getConvolutionMode() != ConvolutionMode.Truncate || pooling.getPadding()[0] != 0
        || pooling.getPadding()[1] != 0) {
      throw new IllegalArgumentException("the reference reads unpadded pooling windows only");
    }
    long[] shape = in.shape();
    double[] x = in.dup('c').data().asDouble();
    int h = (int) shape[2];
    int w = (int) shape[3];
    for (int plane = 0; plane < shape[0] * shape[1]; plane++) {
      for (int oy = 0; oy + k[0] <= h; oy += s[0]) {
        for (int ox = 0; ox + k[1] <= w; ox += s[1]) {
          int best = -1;
          double max = Double.NEGATIVE_INFINITY;
          for (int dy = 0; dy < k[0]; dy++) {
            for (int dx = 0; dx < k[1]; dx++) {
              double value = x[plane * h * w + (oy + dy) * w + ox + dx];
              if (value > max) {
                max = value;
                best = dy * k[1] + dx;
              }
            }
          }
          // a window of zeros (all its ReLUs off) has no meaningful argmax: its gradient is zero anyway
          pattern.append(max > 0 ? (char) ('a' + best) : '-');
        }
      }
    }
  }

  /**
   * The Hessian of {@code learner}'s loss at {@code params}, column j the central difference
   * (g(params + h e_j) - g(params - h e_j)) / 2h of its gradient; empty when some step moves a unit
   * across a kink (the kink pattern at either end differs from the one at {@code params}).
   */
  public static Optional<double[][]> hessian(Learner learner, MultiLayerNetwork network, double[] params,
      Examples examples, double h) {
    String pattern = kinkPattern(network, params, examples.features());
    int n = params.length;
    double[][] columns = new double[n][];
    double[] plus = new double[n];
    double[] minus = new double[n];
    for (int j = 0; j < n; j++) {
      double[] probe = params.clone();
      probe[j] = params[j] + h;
      if (!pattern.equals(kinkPattern(network, probe, examples.features()))) {
        return Optional.empty();
      }
      learner.lossAndGradient(probe, examples, plus);
      probe[j] = params[j] - h;
      if (!pattern.equals(kinkPattern(network, probe, examples.features()))) {
        return Optional.empty();
      }
      learner.lossAndGradient(probe, examples, minus);
      columns[j] = new double[n];
      for (int i = 0; i < n; i++) {
        columns[j][i] = (plus[i] - minus[i]) / (2 * h);
      }
    }
    return Optional.of(columns);
  }
}
