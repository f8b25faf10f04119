package io.metaspark.core.model;

import java.util.Arrays;
import java.util.Locale;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * A builder for the common case, an MLP written as layer sizes ("1-40-40-1"), that produces the
 * same DL4J JSON a user could have written: the shorthand is a convenience, never a second model
 * format.
 */
public final class MlpShorthand {
  private final int[] sizes;
  private Activation activation = Activation.RELU;
  private Activation outputActivation = Activation.IDENTITY;
  private LossFunctions.LossFunction loss = LossFunctions.LossFunction.MSE;
  private DataType dataType = DataType.FLOAT;
  private long seed = 1;

  private MlpShorthand(int[] sizes) {
    this.sizes = sizes;
  }

  /** Parses "in-hidden-...-out", e.g. "1-40-40-1". */
  public static MlpShorthand parse(String layers) {
    String[] parts = layers.trim().split("-");
    if (parts.length < 2) {
      throw new IllegalArgumentException("an MLP needs at least 'in-out' sizes, got '" + layers + "'");
    }
    int[] sizes = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        sizes[i] = Integer.parseInt(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("MLP layer size '" + parts[i] + "' in '" + layers + "' is not a whole number");
      }
      if (sizes[i] < 1) {
        throw new IllegalArgumentException("MLP layer size " + sizes[i] + " in '" + layers + "' must be >= 1");
      }
    }
    return new MlpShorthand(sizes);
  }

  public MlpShorthand activation(String name) {
    this.activation = activationNamed(name);
    return this;
  }

  public MlpShorthand outputActivation(String name) {
    this.outputActivation = activationNamed(name);
    return this;
  }

  public MlpShorthand loss(String name) {
    try {
      this.loss = LossFunctions.LossFunction.valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown loss '" + name + "'; DL4J's are "
          + Arrays.toString(LossFunctions.LossFunction.values()).toLowerCase(Locale.ROOT));
    }
    return this;
  }

  public MlpShorthand dataType(DataType dataType) {
    if (!dataType.isFPType()) {
      throw new IllegalArgumentException("parameters need a floating-point type, got " + dataType);
    }
    this.dataType = dataType;
    return this;
  }

  public MlpShorthand seed(long seed) {
    this.seed = seed;
    return this;
  }

  public MultiLayerConfiguration build() {
    NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
        .seed(seed)
        .dataType(dataType)
        .weightInit(WeightInit.XAVIER)
        .list();
    for (int i = 0; i + 2 < sizes.length; i++) {
      list.layer(new DenseLayer.Builder().nIn(sizes[i]).nOut(sizes[i + 1]).activation(activation).build());
    }
    list.layer(new OutputLayer.Builder(loss)
        .nIn(sizes[sizes.length - 2])
        .nOut(sizes[sizes.length - 1])
        .activation(outputActivation)
        .build());
    return list.build();
  }

  public ModelSpec toSpec() {
    return ModelSpec.of(build());
  }

  private static Activation activationNamed(String name) {
    try {
      return Activation.valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown activation '" + name + "'; DL4J's are "
          + Arrays.toString(Activation.values()).toLowerCase(Locale.ROOT));
    }
  }
}
