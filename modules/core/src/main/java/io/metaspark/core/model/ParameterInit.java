package io.metaspark.core.model;

import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Where meta-training starts. The model's JSON defines the network; the starting point is a choice
 * of its own, because it decides how fast MAML learns: DL4J's initializers set every bias to a
 * constant (0 by default), which puts every first-layer ReLU kink of a 1-D regression network at
 * x = 0, whereas the PyTorch default most MAML results were obtained with spreads them.
 */
public enum ParameterInit {
  /** The configuration's own weight init (DL4J), seeded by the configuration's seed. */
  DL4J,
  /**
   * PyTorch's nn.Linear and nn.Conv default: every layer's weights W and biases b drawn from
   * U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in = |W| / |b|. Other parameters (batch norm's gamma
   * and beta, for instance) keep DL4J's values.
   */
  FAN_IN_UNIFORM;

  public static ParameterInit named(String name) {
    for (ParameterInit init : values()) {
      if (init.configName().equals(name.trim().toLowerCase(Locale.ROOT))) {
        return init;
      }
    }
    throw new IllegalArgumentException("unknown parameter init '" + name + "'; expected dl4j or fan-in-uniform");
  }

  public String configName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The flat initial parameter vector; a pure function of the spec and {@code seed}. */
  public double[] initialParams(ModelSpec spec, long seed) {
    MultiLayerNetwork net = spec.newNetwork();
    if (this == FAN_IN_UNIFORM) {
      SplittableRandom random = new SplittableRandom(seed);
      for (Layer layer : net.getLayers()) {
        Map<String, INDArray> table = layer.paramTable();
        INDArray w = table.get("W");
        INDArray b = table.get("b");
        if (w == null || b == null || b.length() == 0) {
          continue;
        }
        double bound = 1 / Math.sqrt((double) w.length() / b.length());
        fill(w, bound, random);
        fill(b, bound, random);
      }
    }
    return net.params().castTo(DataType.DOUBLE).toDoubleVector();
  }

  private static void fill(INDArray view, double bound, SplittableRandom random) {
    double[] values = new double[(int) view.length()];
    for (int i = 0; i < values.length; i++) {
      values[i] = (2 * random.nextDouble() - 1) * bound;
    }
    // element-wise assignment into the view writes through to the network's flat parameters
    view.assign(Nd4j.create(values, view.shape(), DataType.DOUBLE).castTo(view.dataType()));
  }
}
