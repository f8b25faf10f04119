package io.metaspark.core.model;

import java.util.Locale;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The few-shot papers' image network (Vinyals et al. 2016; Finn et al. 2017 on Omniglot): four
 * blocks of 3x3 convolution, batch normalization, ReLU and a halving of the resolution, then a
 * softmax over the N ways with cross-entropy. Like {@link MlpShorthand} it only writes the DL4J
 * configuration a user could have written.
 *
 * <p>{@link #embedding} is the same network without the softmax layer, as Prototypical Networks
 * (Snell et al. 2017) use it: its output is the last block's activations, 64 values for 28x28
 * images with 64 filters and pooling (1x1x64), 1600 for 84x84 (5x5x64).
 *
 * <p>Batch normalization is on by default, as in the papers. DL4J keeps its running mean and
 * standard deviation inside the parameter vector; {@link Dl4jLearner} keeps them out of
 * meta-learning and normalizes with the batch's statistics instead (transductive, as the MAML
 * reference code).
 */
public final class Conv4 {
  /** How each block halves the resolution. */
  public enum Downsample {
    /** 2x2 max-pooling after a stride-1 convolution (Vinyals et al.; MAML on MiniImagenet). */
    POOL,
    /** a stride-2 convolution (MAML on Omniglot). */
    STRIDE
  }

  /** How the softmax layer's weights start (its biases start at zero). */
  public enum OutputInit {
    /** DL4J's Xavier: normal with variance 2 / (fan-in + fan-out). */
    XAVIER,
    /** N(0, 1) for every weight, as the MAML code's Omniglot network ({@code tf.random_normal}). */
    STANDARD_NORMAL
  }

  private final int size;
  /** 0 for an embedding network: no softmax layer. */
  private final int ways;
  private int channels = 1;
  private int filters = 64;
  private Downsample downsample = Downsample.POOL;
  private boolean batchNorm = true;
  private boolean globalAveragePooling;
  private OutputInit outputInit = OutputInit.XAVIER;
  private DataType dataType = DataType.FLOAT;
  private long seed = 1;

  private Conv4(int size, int ways) {
    this.size = size;
    this.ways = ways;
  }

  /** For size x size gray images and N = {@code ways} classes. */
  public static Conv4 of(int size, int ways) {
    checkedSize(size);
    if (ways < 2) {
      throw new IllegalArgumentException("conv4 needs at least 2 ways, got " + ways);
    }
    return new Conv4(size, ways);
  }

  /** For size x size images, without the softmax layer: an embedding network. */
  public static Conv4 embedding(int size) {
    return new Conv4(checkedSize(size), 0);
  }

  /** Color channels of the images (1 gray, the default; 3 for RGB). */
  public Conv4 channels(int channels) {
    if (channels < 1) {
      throw new IllegalArgumentException("conv4 needs at least 1 image channel, got " + channels);
    }
    this.channels = channels;
    return this;
  }

  private static int checkedSize(int size) {
    if (size < 16) {
      // four halvings of a smaller image leave nothing for the last block to see
      throw new IllegalArgumentException("conv4 needs images of at least 16x16, got " + size + "x" + size);
    }
    return size;
  }

  public Conv4 filters(int filters) {
    if (filters < 1) {
      throw new IllegalArgumentException("conv4 filters must be >= 1, got " + filters);
    }
    this.filters = filters;
    return this;
  }

  /** "pool" or "stride". */
  public Conv4 downsample(String name) {
    try {
      this.downsample = Downsample.valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("conv4 downsample must be pool or stride, got '" + name + "'");
    }
    return this;
  }

  /** Batch normalization after each convolution (default: on, as the papers). */
  public Conv4 batchNorm(boolean batchNorm) {
    this.batchNorm = batchNorm;
    return this;
  }

  /**
   * Averages the last block's activations over their positions, so the softmax layer reads one value
   * per filter, as the MAML code's Omniglot network does ({@code tf.reduce_mean} over height and
   * width; on its strided 28x28 network the last block is 2x2). Off by default: DL4J flattens the
   * block instead, and the softmax layer reads every position (4 x filters values there). Where the
   * last block is 1x1 (28x28 with pooling) the two are the same network.
   */
  public Conv4 globalAveragePooling(boolean globalAveragePooling) {
    this.globalAveragePooling = globalAveragePooling;
    return this;
  }

  /** "xavier" (the default) or "standard-normal": see {@link OutputInit}. */
  public Conv4 outputInit(String name) {
    try {
      this.outputInit = OutputInit.valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("conv4 output init must be xavier or standard-normal, got '" + name + "'");
    }
    return this;
  }

  public Conv4 dataType(DataType dataType) {
    if (!dataType.isFPType()) {
      throw new IllegalArgumentException("parameters need a floating-point type, got " + dataType);
    }
    this.dataType = dataType;
    return this;
  }

  public Conv4 seed(long seed) {
    this.seed = seed;
    return this;
  }

  public MultiLayerConfiguration build() {
    NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
        .seed(seed)
        .dataType(dataType)
        .weightInit(WeightInit.RELU)
        // "same" padding, as the papers' convolutions: 28 -> 14 -> 7 -> 3 -> 1 with pooling
        .convolutionMode(ConvolutionMode.Same)
        .list();
    int stride = downsample == Downsample.STRIDE ? 2 : 1;
    for (int block = 0; block < 4; block++) {
      // the convolution keeps its bias even before batch norm, which cancels it: the reference code
      // has it too, and the parameter inits find a layer's fan-in from its bias
      list.layer(new ConvolutionLayer.Builder(3, 3)
          .stride(stride, stride)
          .nOut(filters)
          .activation(batchNorm ? Activation.IDENTITY : Activation.RELU)
          .build());
      if (batchNorm) {
        // DL4J's batch norm layer only normalizes (its activate() applies no activation function),
        // so the ReLU is a layer of its own
        list.layer(new BatchNormalization.Builder().build());
        list.layer(new ActivationLayer.Builder().activation(Activation.RELU).build());
      }
      if (downsample == Downsample.POOL) {
        list.layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
            .kernelSize(2, 2)
            .stride(2, 2)
            // floor, as the papers' pooling: 7 -> 3, not 4
            .convolutionMode(ConvolutionMode.Truncate)
            .build());
      }
    }
    int last = lastBlockSize();
    if (globalAveragePooling && last > 1) {
      list.layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.AVG)
          .kernelSize(last, last)
          .stride(last, last)
          .convolutionMode(ConvolutionMode.Truncate)
          .build());
    }
    if (ways > 0) {
      OutputLayer.Builder output = new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
          .nOut(ways)
          .activation(Activation.SOFTMAX);
      if (outputInit == OutputInit.STANDARD_NORMAL) {
        output.weightInit(new NormalDistribution(0, 1));
      } else {
        output.weightInit(WeightInit.XAVIER);
      }
      list.layer(output.build());
    }
    // DL4J infers every nIn, and the flattening before the output layer, from the input type
    list.setInputType(InputType.convolutional(size, size, channels));
    return list.build();
  }

  /** The last block's height and width: "same" convolutions, then halved by stride (ceiling) or pooling (floor). */
  private int lastBlockSize() {
    int side = size;
    for (int block = 0; block < 4; block++) {
      side = downsample == Downsample.STRIDE ? (side + 1) / 2 : side / 2;
    }
    return side;
  }

  public ModelSpec toSpec() {
    return ModelSpec.of(build());
  }
}
