package io.metaspark.core.model;

import io.metaspark.core.task.Examples;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * A {@link Learner} over one DL4J network, built once and reused: DL4J's cost per call is large
 * next to a small network's arithmetic, so building a network per task would dominate.
 *
 * <p>Losses use training mode, the same mode the gradient is taken in, so the loss this reports is
 * the function whose gradient it reports (batch norm uses the batch's statistics: transductive).
 *
 * <p>Batch normalization, done as the MAML reference code does it: every forward pass normalizes
 * with the statistics of the batch it is given (support set while adapting, query set when
 * measuring), in the loss, the gradient and the outputs alike. DL4J keeps batch norm's running mean
 * and standard deviation inside the flat parameter vector and reports running-average updates for
 * them as their "gradient"; those entries are not weights, and nothing here uses them, so their
 * gradient is reported as exactly zero: the inner loop, the meta-gradient, Reptile's delta and Adam
 * then leave them at the values the initialization gave.
 */
public final class Dl4jLearner implements Learner {
  private final MultiLayerNetwork network;
  private final int numParams;
  private NativeVector paramVector;
  private NativeVector gradientVector;
  /** Positions of batch norm's running statistics in the flat vector; empty without batch norm. */
  private final int[] runningStatistics;
  /**
   * The network without dropout or weight noise and with the loss {@link OutputGradientLoss}: the
   * function of {@link #outputs}, for outputs with batch statistics and for the vector-Jacobian
   * product. Built on first use.
   */
  private MultiLayerNetwork noiselessTwin;
  private NativeVector twinParams;
  private NativeVector twinGradient;
  private final CentralDifference centralDifference = new CentralDifference(0);

  public Dl4jLearner(MultiLayerNetwork network) {
    this.network = network;
    this.paramVector = new NativeVector(network.params());
    this.numParams = (int) network.params().length();
    this.runningStatistics = BatchNormParameters.runningStatistics(network);
  }

  @Override
  public int numParams() {
    return numParams;
  }

  @Override
  public DataType dataType() {
    return network.params().dataType();
  }

  /** Where batch norm's running statistics sit in the flat parameter vector (ascending). */
  public int[] runningStatistics() {
    return runningStatistics.clone();
  }

  /** Whether the network normalizes with batch statistics, which makes its outputs depend on the batch. */
  public boolean transductive() {
    return runningStatistics.length > 0;
  }

  @Override
  public double loss(double[] params, Examples examples) {
    load(params);
    return network.score(new DataSet(examples.features(), examples.labels()), true);
  }

  @Override
  public double lossAndGradient(double[] params, Examples examples, double[] gradientOut) {
    load(params);
    network.setInput(examples.features());
    network.setLabels(examples.labels());
    network.computeGradientAndScore();
    // DL4J's backprop gives the SUM over the batch (fit() divides later, in the updater), while
    // score() is already the mean: scale so the gradient is the gradient of the returned loss.
    INDArray sum = network.getFlattenedGradients();
    if (gradientVector == null || !gradientVector.backs(sum)) {
      gradientVector = new NativeVector(sum);
    }
    gradientVector.read(1.0 / examples.size(), gradientOut);
    // the loss in training mode does not depend on the running statistics at all: zero is their
    // true gradient, where DL4J reports the moving-average step its special updater would apply
    for (int i : runningStatistics) {
      gradientOut[i] = 0;
    }
    return network.score();
  }

  /**
   * Inference mode, except for a network with batch normalization: there the batch's statistics, as
   * in the loss (and as the model was meta-trained), so the outputs depend on which examples are
   * classified together. Dropout and weight noise, which training mode would also turn on, stay off.
   */
  @Override
  public INDArray outputs(double[] params, INDArray features) {
    INDArray out;
    if (!transductive()) {
      load(params);
      out = network.output(features, false);
    } else {
      out = noiselessTwin(params).output(features, true);
    }
    // an embedding network ending in convolutional layers: one row per example, as the fast path's
    return out.rank() > 2 ? out.reshape('c', out.size(0), out.length() / out.size(0)) : out;
  }

  /**
   * DL4J's own backward pass on the noiseless twin, whose loss is sum(G * outputs): in training mode,
   * which for this network is the function of {@link #outputs} (batch norm with the batch's
   * statistics, and no noise to turn on). DL4J's gradients are sums over the batch, which is what a
   * vector-Jacobian product is.
   */
  @Override
  public void vectorJacobianProduct(double[] params, INDArray features, INDArray outputGradient, double[] gradientOut) {
    org.deeplearning4j.nn.conf.layers.Layer output =
        network.getLayerWiseConfigurations().getConf(network.getnLayers() - 1).getLayer();
    if (!(network.getOutputLayer() instanceof IOutputLayer)) {
      embeddingProduct(params, features, outputGradient, gradientOut);
      return;
    }
    if (output.getClass() != OutputLayer.class && output.getClass() != LossLayer.class) {
      // subclasses (a center loss) add terms of their own to the gradient
      throw new UnsupportedOperationException("a vector-Jacobian product through a " + output.getClass().getSimpleName()
          + "; only through an OutputLayer or a LossLayer");
    }
    if (gradientOut.length != numParams) {
      throw new IllegalArgumentException("expected room for " + numParams + " gradient entries, got " + gradientOut.length);
    }
    MultiLayerNetwork twin = noiselessTwin(params);
    twin.setInput(features);
    twin.setLabels(outputGradient.castTo(dataType()));
    twin.computeGradientAndScore();
    INDArray sum = twin.getFlattenedGradients();
    if (twinGradient == null || !twinGradient.backs(sum)) {
      twinGradient = new NativeVector(sum);
    }
    twinGradient.read(1, gradientOut);
    for (int i : runningStatistics) {
      gradientOut[i] = 0;
    }
  }

  /**
   * For a network without an output layer (an embedding network): DL4J's backward pass from the
   * outputs' gradient, G reshaped as the last layer's activations.
   */
  private void embeddingProduct(double[] params, INDArray features, INDArray outputGradient, double[] gradientOut) {
    if (gradientOut.length != numParams) {
      throw new IllegalArgumentException("expected room for " + numParams + " gradient entries, got " + gradientOut.length);
    }
    EmbeddingNetwork twin = (EmbeddingNetwork) noiselessTwin(params);
    long[] shape = twin.output(features, true).shape();
    twin.backpropagate(features, outputGradient.castTo(dataType()).reshape('c', shape));
    INDArray sum = twin.getFlattenedGradients();
    if (twinGradient == null || !twinGradient.backs(sum)) {
      twinGradient = new NativeVector(sum);
    }
    twinGradient.read(1, gradientOut);
    for (int i : runningStatistics) {
      gradientOut[i] = 0;
    }
  }

  /** A central difference of DL4J's gradients with the default step: DL4J cannot differentiate its own backward pass. */
  @Override
  public void hessianVectorProduct(double[] params, Examples examples, double[] v, double[] out) {
    centralDifference.apply(this, params, examples, v, out);
  }

  @Override
  public boolean exactHessian() {
    return false;
  }

  /** The network itself, e.g. to save it with DL4J's ModelSerializer after loading parameters. */
  public MultiLayerNetwork network(double[] params) {
    load(params);
    return network;
  }

  private MultiLayerNetwork noiselessTwin(double[] params) {
    if (params.length != numParams) {
      throw new IllegalArgumentException("expected " + numParams + " parameters, got " + params.length);
    }
    if (noiselessTwin == null) {
      MultiLayerConfiguration conf = withoutTrainingNoise(network.getLayerWiseConfigurations());
      org.deeplearning4j.nn.conf.layers.Layer output = conf.getConf(conf.getConfs().size() - 1).getLayer();
      if (output instanceof BaseOutputLayer layer) {
        layer.setLossFn(new OutputGradientLoss());
      } else if (output instanceof LossLayer layer) {
        layer.setLossFn(new OutputGradientLoss());
      }
      noiselessTwin = network.getOutputLayer() instanceof IOutputLayer ? new MultiLayerNetwork(conf)
          : new EmbeddingNetwork(conf);
      noiselessTwin.init();
      twinParams = new NativeVector(noiselessTwin.params());
    }
    twinParams.write(params);
    return noiselessTwin;
  }

  private void load(double[] params) {
    if (params.length != numParams) {
      throw new IllegalArgumentException("expected " + numParams + " parameters, got " + params.length);
    }
    INDArray flat = network.params();
    if (!paramVector.backs(flat)) {
      paramVector = new NativeVector(flat);
    }
    paramVector.write(params);
  }

  private static MultiLayerConfiguration withoutTrainingNoise(MultiLayerConfiguration configuration) {
    MultiLayerConfiguration copy = configuration.clone();
    for (NeuralNetConfiguration layerConf : copy.getConfs()) {
      layerConf.getLayer().setIDropout(null);
      if (layerConf.getLayer() instanceof BaseLayer base) {
        base.setWeightNoise(null);
      }
    }
    return copy;
  }
}
