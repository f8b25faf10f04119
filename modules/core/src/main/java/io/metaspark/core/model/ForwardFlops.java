package io.metaspark.core.model;

import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;

/**
 * Floating-point operations of one example's forward pass, counted from a DL4J configuration, to
 * turn measured times into GFLOP/s. Convention: a multiply-add is 2 FLOPs, and only the matrix
 * products are counted (convolutions and dense layers); biases, activations, pooling and the loss
 * are a fraction of a percent of conv4's work and are left out, as the usual FLOP counts do.
 *
 * <p>A gradient (forward and backward) is counted as 3 forward passes: the backward pass has two
 * products per layer, one for the weights' gradient and one for the input's.
 */
public final class ForwardFlops {
  /** Forward plus backward, in forward passes. */
  public static final int GRADIENT_FACTOR = 3;

  private ForwardFlops() {}

  /** Forward FLOPs per example of {@code conf} on inputs of {@code input}'s type. */
  public static long perExample(MultiLayerConfiguration conf, InputType input) {
    List<InputType> outputs = conf.getLayerActivationTypes(input);
    long flops = 0;
    for (int i = 0; i < conf.getConfs().size(); i++) {
      Layer layer = conf.getConf(i).getLayer();
      if (layer instanceof ConvolutionLayer conv) {
        InputType.InputTypeConvolutional out = (InputType.InputTypeConvolutional) outputs.get(i);
        long positions = out.getHeight() * out.getWidth();
        long kernel = (long) conv.getKernelSize()[0] * conv.getKernelSize()[1] * conv.getNIn();
        flops += 2 * positions * conv.getNOut() * kernel;
      } else if (layer instanceof DenseLayer || layer instanceof BaseOutputLayer) {
        // (not every FeedForwardLayer: batch norm has nIn = nOut but no product)
        FeedForwardLayer dense = (FeedForwardLayer) layer;
        flops += 2 * dense.getNIn() * dense.getNOut();
      }
    }
    return flops;
  }
}
