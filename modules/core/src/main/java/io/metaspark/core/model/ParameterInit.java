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
  FAN_IN_UNIFORM,
  /**
   * Glorot and Bengio's uniform draw, the default of TensorFlow and Keras and the policies' init in
   * the MAML code: weights from U(-sqrt(6 / (fan_in + fan_out)), +sqrt(...)), biases 0. fan_in and
   * fan_out count a dense layer's inputs and outputs, a convolution's input and output channels
   * times its kernel's size. DL4J's XAVIER draws the same variance from a normal distribution.
   * Other parameters keep DL4J's values.
   */
  XAVIER_UNIFORM;

  public static ParameterInit named(String name) {
    for (ParameterInit init : values()) {
      if (init.configName().equals(name.trim().toLowerCase(Locale.ROOT))) {
        return init;
      }
    }
    throw new IllegalArgumentException("unknown parameter init '" + name
        + "'; expected dl4j, fan-in-uniform or xavier-uniform");
  }

  public String configName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The flat initial parameter vector; a pure function of the spec and {@code seed}. */
  public double[] initialParams(ModelSpec spec, long seed) {
    MultiLayerNetwork net = spec.newNetwork();
    if (this != DL4J) {
      SplittableRandom random = new SplittableRandom(seed);
      for (Layer layer : net.getLayers()) {
        Map<String, INDArray> table = layer.paramTable();
        INDArray w = table.get("W");
        INDArray b = table.get("b");
        if (w == null || b == null || b.length() == 0) {
          continue;
        }
        if (this == FAN_IN_UNIFORM) {
          double bound = 1 / Math.sqrt((double) w.length() / b.length());
          fill(w, bound, random);
          fill(b, bound, random);
        } else {
          fill(w, xavierBound(w), random);
          b.assign(0);
        }
      }
    }
    return net.params().castTo(DataType.DOUBLE).toDoubleVector();
  }

  /** sqrt(6 / (fan_in + fan_out)) for DL4J's weight shapes: [in, out] dense, [out, in, kh, kw] convolution. */
  private static double xavierBound(INDArray w) {
    long[] shape = w.shape();
    long receptive = shape.length == 4 ? shape[2] * shape[3] : 1;
    long fanIn = shape.length == 4 ? shape[1] * receptive : shape[0];
    long fanOut = shape.length == 4 ? shape[0] * receptive : shape[1];
    return Math.sqrt(6.0 / (fanIn + fanOut));
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
