package io.metaspark.core.model;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.api.FwdPassType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A DL4J network without an output layer (an embedding network), with DL4J's own backward pass
 * from a gradient of its outputs. DL4J runs that pass only from an output layer's loss in its
 * public API; its forward pass that keeps each layer's input, and the backward pass from an
 * epsilon, are protected, so this subclass calls them as {@code computeGradientAndScore} does.
 */
final class EmbeddingNetwork extends MultiLayerNetwork {
  EmbeddingNetwork(MultiLayerConfiguration conf) {
    super(conf);
  }

  /**
   * In training mode (batch norm on the batch's statistics), the gradient of sum(G * outputs) into
   * the network's flattened gradient: a sum over the batch, as DL4J's gradients are.
   *
   * @param outputGradient G, shaped as the last layer's activations
   */
  void backpropagate(INDArray input, INDArray outputGradient) {
    ffToLayerActivationsDetached(true, FwdPassType.STANDARD, false, getnLayers() - 1, input, null, null, false);
    calcBackpropGradients(outputGradient, false, false, false);
  }
}
