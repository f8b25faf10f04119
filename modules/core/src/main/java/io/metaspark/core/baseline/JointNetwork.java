package io.metaspark.core.baseline;

import io.metaspark.core.model.ModelSpec;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The MAML paper's "pretrained" baseline as networks: the model trained as one ordinary network on
 * many meta-training tasks' data pooled, then fine-tuned on each test task like the meta-learned
 * initialization.
 *
 * <p>When pooled labels are wider than the model's output (N-way episodes pool into all the
 * meta-training classes), the pooled network is the model with a head over those classes; a test
 * task then starts from the trained body and a fresh N-way head, the very head the meta-learned
 * model's training started from, since per-task N-way labels carry no meaning across tasks.
 */
public final class JointNetwork {
  private JointNetwork() {}

  /**
   * The network to fit on pooled data: the model's layers with Adam({@code learningRate}) and, when
   * {@code labelWidth} is not 0, an output layer of that width; starting from {@code init} (the
   * body, and the head too when the width is the model's). The wider head has DL4J's init from the
   * configuration's seed.
   */
  public static MultiLayerNetwork forPooledData(ModelSpec model, double[] init, int labelWidth, double learningRate) {
    MultiLayerConfiguration conf = model.configuration();
    int last = conf.getConfs().size() - 1;
    for (NeuralNetConfiguration layer : conf.getConfs()) {
      if (layer.getLayer() instanceof BaseLayer base) {
        base.setIUpdater(new Adam(learningRate));
      }
    }
    Layer head = conf.getConf(last).getLayer();
    boolean newHead = labelWidth != 0 && labelWidth != outputWidth(model);
    if (newHead) {
      ((FeedForwardLayer) head).setNOut(labelWidth);
    }
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    int copied = newHead ? init.length - headSize(model) : init.length;
    double[] params = net.params().castTo(DataType.DOUBLE).toDoubleVector();
    System.arraycopy(init, 0, params, 0, copied);
    net.setParams(Nd4j.createFromArray(params).castTo(net.params().dataType()).reshape(1, params.length));
    return net;
  }

  /**
   * Where fine-tuning on a test task starts: the pooled network's parameters when it has the model's
   * shape, else its body with the head of {@code init}.
   */
  public static double[] startingPoint(ModelSpec model, double[] init, MultiLayerNetwork pooled) {
    double[] trained = pooled.params().castTo(DataType.DOUBLE).toDoubleVector();
    if (trained.length == init.length) {
      return trained;
    }
    int body = init.length - headSize(model);
    if (trained.length < body) {
      throw new IllegalArgumentException("the pooled network has " + trained.length
          + " parameters, fewer than the model's body (" + body + "): not trained for this model");
    }
    double[] start = init.clone();
    System.arraycopy(trained, 0, start, 0, body);
    return start;
  }

  private static long outputWidth(ModelSpec model) {
    MultiLayerConfiguration conf = model.configuration();
    return ((FeedForwardLayer) conf.getConf(conf.getConfs().size() - 1).getLayer()).getNOut();
  }

  /** Parameters of the output layer, the last in DL4J's flat layout. */
  private static int headSize(ModelSpec model) {
    MultiLayerNetwork net = model.newNetwork();
    return (int) net.getLayer(net.getnLayers() - 1).numParams();
  }
}
