package io.metaspark.core.model;

import java.io.Serializable;
import java.util.Arrays;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;

/**
 * Where each layer's parameters lie in the flat parameter vector (DL4J's layout: layer by layer, in
 * order): what update rules that treat layers differently need (ANIL's head, per-layer rates).
 */
public record ParameterLayout(int[] layerSizes) implements Serializable {
  public ParameterLayout {
    layerSizes = layerSizes.clone();
  }

  /** The layout of {@code conf}'s network, as DL4J's initializers count each layer's parameters. */
  public static ParameterLayout of(MultiLayerConfiguration conf) {
    int[] sizes = new int[conf.getConfs().size()];
    for (int i = 0; i < sizes.length; i++) {
      NeuralNetConfiguration layer = conf.getConf(i);
      sizes[i] = Math.toIntExact(layer.getLayer().initializer().numParams(layer));
    }
    return new ParameterLayout(sizes);
  }

  public int layers() {
    return layerSizes.length;
  }

  /** All the network's parameters. */
  public int total() {
    return Arrays.stream(layerSizes).sum();
  }

  /** The index of layer {@code layer}'s first parameter. */
  public int start(int layer) {
    return Arrays.stream(layerSizes, 0, layer).sum();
  }

  public int size(int layer) {
    return layerSizes[layer];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ParameterLayout other && Arrays.equals(other.layerSizes, layerSizes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(layerSizes);
  }

  @Override
  public String toString() {
    return "ParameterLayout" + Arrays.toString(layerSizes);
  }
}
