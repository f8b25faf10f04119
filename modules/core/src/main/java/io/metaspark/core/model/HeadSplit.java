package io.metaspark.core.model;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

/**
 * A network as a body, every layer but the last, and a linear head, the last layer (ANIL's split):
 * the body as a network of its own whose outputs are the features the head reads, the head as a
 * {@link LinearHead}, and where the head's parameters start in the flat vector. A network whose last
 * layer is not a plain dense output layer has no separable head: {@link #of} says why.
 *
 * @param body the body, with the same parameters as the network's first {@code headStart}; an MLP's
 *     body ends in an output layer of the same units (a fast {@link DenseLearner} computes it),
 *     another body in an identity loss layer after the head's input preprocessor (DL4J computes it)
 */
public record HeadSplit(ModelSpec body, LinearHead head, int headStart) implements Serializable {
  /** The split of {@code spec}; a network without a separable head is an IllegalArgumentException saying why. */
  public static HeadSplit of(ModelSpec spec) {
    MultiLayerConfiguration conf = spec.configuration();
    List<NeuralNetConfiguration> layers = conf.getConfs();
    int last = layers.size() - 1;
    Layer headLayer = layers.get(last).getLayer();
    if (headLayer.getClass() != OutputLayer.class) {
      throw new IllegalArgumentException(noHead("its last layer is a " + headLayer.getClass().getSimpleName()));
    }
    OutputLayer head = (OutputLayer) headLayer;
    LinearHead.Loss loss = lossOf(head.getActivationFn(), head.getLossFn());
    if (loss == null) {
      throw new IllegalArgumentException(noHead("its output layer has " + head.getActivationFn() + " and "
          + head.getLossFn()));
    }
    if (!head.hasBias() || !PlainLayers.changesNothingButParameters(head)) {
      throw new IllegalArgumentException(noHead("its output layer has no bias, or dropout, noise, constraints or"
          + " regularization"));
    }
    if (last == 0) {
      throw new IllegalArgumentException(noHead("it has no layer before its output layer"));
    }
    ParameterLayout layout = ParameterLayout.of(conf);
    return new HeadSplit(ModelSpec.of(bodyOf(conf)),
        new LinearHead(Math.toIntExact(head.getNIn()), Math.toIntExact(head.getNOut()), loss), layout.start(last));
  }

  private static String noHead(String why) {
    return "ANIL adapts the head, the network's last layer, which must be a dense OutputLayer with bias and"
        + " identity + MSE or softmax + multi-class cross-entropy; this network has no such head: " + why;
  }

  private static LinearHead.Loss lossOf(IActivation activation, ILossFunction loss) {
    if (activation instanceof ActivationIdentity && loss != null && loss.getClass() == LossMSE.class
        && ((LossMSE) loss).getWeights() == null) {
      return LinearHead.Loss.MSE;
    }
    if (activation instanceof ActivationSoftmax && loss != null && loss.getClass() == LossMCXENT.class
        && ((LossMCXENT) loss).getWeights() == null) {
      return LinearHead.Loss.SOFTMAX_CROSS_ENTROPY;
    }
    return null;
  }

  /** Every layer but the last, ending where the head's input is: the features. */
  private static MultiLayerConfiguration bodyOf(MultiLayerConfiguration conf) {
    MultiLayerConfiguration body = conf.clone();
    int last = body.getConfs().size() - 1;
    List<NeuralNetConfiguration> layers = new ArrayList<>(body.getConfs().subList(0, last));
    Layer beforeHead = layers.get(last - 1).getLayer();
    if (beforeHead.getClass() == DenseLayer.class && !body.getInputPreProcessors().containsKey(last)) {
      // the same units as an output layer, whose loss nothing uses: the fast dense path takes it
      DenseLayer dense = (DenseLayer) beforeHead;
      NeuralNetConfiguration ending = layers.get(last - 1).clone();
      ending.setLayer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(dense.getNIn())
          .nOut(dense.getNOut()).activation(dense.getActivationFn()).hasBias(dense.hasBias())
          .weightInit(dense.getWeightInitFn()).biasInit(dense.getBiasInit()).updater(dense.getIUpdater()).build());
      layers.set(last - 1, ending);
    } else {
      NeuralNetConfiguration ending = body.getConf(last).clone();
      ending.setLayer(new LossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).build());
      layers.add(ending);
    }
    body.setConfs(layers);
    return body;
  }

  /** The body's parameters in the network's. */
  public double[] bodyPart(double[] network) {
    return Arrays.copyOf(network, headStart);
  }

  /** The head's parameters in the network's. */
  public double[] headPart(double[] network) {
    return Arrays.copyOfRange(network, headStart, network.length);
  }
}
