package io.metaspark.core.model;

import io.metaspark.core.model.conv.ConvLearner;
import io.metaspark.core.model.conv.ConvolutionRoute;
import java.io.Serializable;
import java.util.Locale;
import java.util.Optional;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The model definition: a DL4J network's JSON configuration, exactly as DL4J writes it, so any
 * network a user builds with DL4J can be meta-trained and the result loaded back with DL4J.
 */
public final class ModelSpec implements Serializable {
  private final String json;
  private transient MultiLayerConfiguration parsed;

  private ModelSpec(String json, MultiLayerConfiguration parsed) {
    this.json = json;
    this.parsed = parsed;
  }

  /** Parses and checks the JSON now, so a bad model fails before any Spark work starts. */
  public static ModelSpec fromJson(String json) {
    MultiLayerConfiguration conf;
    try {
      conf = MultiLayerConfiguration.fromJson(json);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a DL4J MultiLayerConfiguration JSON: " + e.getMessage(), e);
    }
    if (conf.getConfs().isEmpty()) {
      throw new IllegalArgumentException("the DL4J configuration has no layers");
    }
    return new ModelSpec(json, conf);
  }

  public static ModelSpec of(MultiLayerConfiguration conf) {
    return new ModelSpec(conf.toJson(), conf);
  }

  public String json() {
    return json;
  }

  public MultiLayerConfiguration configuration() {
    if (parsed == null) {
      parsed = MultiLayerConfiguration.fromJson(json);
    }
    return parsed.clone();
  }

  public DataType dataType() {
    return configuration().getDataType();
  }

  /** A freshly initialized network: DL4J's weight init, seeded by the configuration's seed. */
  public MultiLayerNetwork newNetwork() {
    // oneDNN convolution/pooling/batch norm when the native build has it; a no-op otherwise
    NativeHelpers.enable();
    MultiLayerNetwork net = new MultiLayerNetwork(configuration());
    net.init();
    return net;
  }

  /** The initial parameters DL4J's weight init gives, as the flat vector meta-training starts from. */
  public double[] initialParams() {
    return newNetwork().params().castTo(DataType.DOUBLE).toDoubleVector();
  }

  /** Where each layer's parameters lie in the flat parameter vector. */
  public ParameterLayout layout() {
    return ParameterLayout.of(configuration());
  }

  /**
   * The fastest learner that computes what DL4J computes: {@link DenseLearner} for a plain MLP,
   * {@link ConvLearner} for a plain convolutional classifier (conv4 with strides), DL4J itself for
   * everything else.
   */
  public Learner newLearner() {
    return newLearner(ConvolutionRoute.ONEDNN);
  }

  /** As {@link #newLearner()}, a {@link ConvLearner}'s convolutions by {@code route}. */
  public Learner newLearner(ConvolutionRoute route) {
    Optional<DenseLearner> dense = DenseLearner.of(configuration());
    if (dense.isPresent()) {
      return dense.get();
    }
    Optional<ConvLearner> conv = ConvLearner.of(configuration(), route);
    return conv.isPresent() ? conv.get() : newDl4jLearner();
  }

  /**
   * Which implementation {@link #newLearner(ConvolutionRoute)} gives, without building it: "dense",
   * "conv-" and the route taken (a double network's convolutions do not go through oneDNN), or
   * "dl4j". Each computes its own float rounding, so a run records it and resumes only on the same.
   */
  public String learnerImplementation(ConvolutionRoute route) {
    if (DenseLearner.of(configuration()).isPresent()) {
      return "dense";
    }
    return ConvLearner.routeFor(configuration(), route)
        .map(r -> "conv-" + r.name().toLowerCase(Locale.ROOT).replace('_', '-')).orElse("dl4j");
  }

  /** DL4J itself, whatever the configuration: the reference the fast path is checked against. */
  public Dl4jLearner newDl4jLearner() {
    return new Dl4jLearner(newNetwork());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ModelSpec other && other.json.equals(json);
  }

  @Override
  public int hashCode() {
    return json.hashCode();
  }
}
