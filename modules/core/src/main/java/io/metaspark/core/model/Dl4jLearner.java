package io.metaspark.core.model;

import io.metaspark.core.task.Examples;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A {@link Learner} over one DL4J network, built once and reused: DL4J's cost per call is large
 * next to a small network's arithmetic, so building a network per task would dominate.
 *
 * <p>Losses use training mode, the same mode the gradient is taken in, so the loss this reports is
 * the function whose gradient it reports (batch norm uses the batch's statistics: transductive).
 */
public final class Dl4jLearner implements Learner {
  private final MultiLayerNetwork network;
  private final INDArray paramView;
  private final int numParams;

  public Dl4jLearner(MultiLayerNetwork network) {
    this.network = network;
    this.paramView = network.params();
    this.numParams = (int) paramView.length();
  }

  @Override
  public int numParams() {
    return numParams;
  }

  @Override
  public DataType dataType() {
    return paramView.dataType();
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
    double scale = 1.0 / examples.size();
    if (sum.dataType() == DataType.DOUBLE) {
      double[] g = sum.data().asDouble();
      for (int i = 0; i < numParams; i++) {
        gradientOut[i] = g[i] * scale;
      }
    } else {
      float[] g = sum.data().asFloat();
      for (int i = 0; i < numParams; i++) {
        gradientOut[i] = g[i] * scale;
      }
    }
    return network.score();
  }

  @Override
  public INDArray outputs(double[] params, INDArray features) {
    load(params);
    return network.output(features, false);
  }

  /** The network itself, e.g. to save it with DL4J's ModelSerializer after loading parameters. */
  public MultiLayerNetwork network(double[] params) {
    load(params);
    return network;
  }

  private void load(double[] params) {
    if (params.length != numParams) {
      throw new IllegalArgumentException("expected " + numParams + " parameters, got " + params.length);
    }
    paramView.assign(Nd4j.createFromArray(params).castTo(paramView.dataType()));
  }
}
