package io.metaspark.core.model.conv;

import io.metaspark.core.model.FeatureLearner;
import io.metaspark.core.model.Learner;
import io.metaspark.core.model.NativeVector;
import io.metaspark.core.model.PlainLayers;
import io.metaspark.core.task.Examples;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * The function {@link io.metaspark.core.model.Dl4jLearner} computes for a plain convolutional
 * classifier (conv4 and its like), faster: the convolutions are oneDNN's primitives, built once per
 * batch shape ({@link OneDnnConvolutionStage}; or, by {@link ConvolutionRoute}, and always for a
 * double network, DL4J's own native ops on the network's own parameter views, a grey image's first
 * convolution in Java, {@link FirstConvolutionStage}), and everything between them (batch norm, ReLU,
 * max pooling over non-overlapping windows, the softmax output) is plain Java on the activations.
 * DL4J's layers cost more than their arithmetic here: batch norm is about 45% of a conv4 gradient on
 * 75 images, and the convolution layer recomputes its forward pass during backprop.
 *
 * <p>Only what it reproduces is accepted ({@link #of}): NCHW ConvolutionLayers (with bias, no
 * dilation, "same" or explicit padding, identity or ReLU), BatchNormalization (batch statistics,
 * learnable gamma and beta), ReLU ActivationLayers, max-pooling SubsamplingLayers (native, like the
 * convolutions), average-pooling ones whose windows tile the image without padding, then the
 * flattening DL4J inserts and one
 * OutputLayer with softmax and unweighted multi-class cross-entropy; nothing that changes the
 * function or its gradient (dropout, weight noise, regularization, constraints). Anything else
 * stays with DL4J.
 *
 * <p>An embedding network, the same layers without the flattening and the output layer (conv4 as
 * Prototypical Networks use it), is taken too: its outputs are the last stage's activations,
 * flattened per example in C order, and it has a vector-Jacobian product but no loss of its own, so
 * {@link #loss}, {@link #lossAndGradient} and {@link #hessianVectorProduct} refuse it.
 *
 * <p>Batch norm's running statistics get a gradient of exactly zero, as from {@code Dl4jLearner}.
 *
 * <p>The Java stages compute in double on parameters rounded to the network's data type, so a float
 * network agrees with DL4J to float rounding, and a double one to about 1e-12.
 *
 * <p>Its Hessian-vector product is exact ({@link Learner#exactHessian}) on every route but the float
 * one ({@link ConvolutionRoute#ONEDNN_FLOAT}, whose body has no R-operator): every stage has its R-operator,
 * the convolutions' through the same native ops, batch norm through the batch's statistics, max
 * pooling through the forward pass's argmax.
 *
 * <p>Not thread-safe: keep one per thread; buffers are reused per batch size.
 */
public final class ConvLearner implements FeatureLearner {
  /**
   * Up to how many input channels a first convolution runs in Java: oneDNN is slow on a grey
   * image's single channel (measured on conv4); colour images' three were not measured to differ.
   */
  private static final int FEW_CHANNELS = 1;

  /** Never run: it owns the parameter buffer whose views the convolutions read. */
  private final MultiLayerNetwork network;
  private final DataType dataType;
  private final int numParams;
  private final NativeVector paramVector;
  private final NativeVector gradientVector;
  /** The direction of a Hessian-vector product, in native memory for the convolutions' views of it. */
  private final NativeVector tangentVector;
  private final List<Supplier<Stage>> stageFactories;
  /** Null for an embedding network, which ends with its last hidden stage. */
  private final Supplier<SoftmaxOutputStage> outputFactory;
  /**
   * Stages with their buffers, per batch shape: inner loops alternate support and query sets, and
   * reallocating on every switch cost a tenth of a first-order MAML task. A few shapes at most.
   */
  private final Map<List<Integer>, Pipeline> pipelines = pipelineCache(8);
  /**
   * Where {@link #lossAndGradientForProducts} runs, apart from the other passes, so the query pass
   * MAML runs in between cannot overwrite the support pass the product reuses.
   */
  private final Map<List<Integer>, Pipeline> keptPipelines = pipelineCache(2);
  private final double[] nativeGradient;
  /**
   * Whether a stage reads the native parameter and direction vectors and writes the native gradient
   * (libnd4j's convolutions, {@link ConvolutionStage}); oneDNN's stages take the Java arrays, and
   * copying 100,000 parameters each way on every pass for no reader would be waste.
   */
  private final boolean nativeViews;
  /** Whether every stage has its R-operator (all but {@link OneDnnFloatBody}). */
  private final boolean exactHessian;
  private Pipeline current;
  /** The latest {@link #lossAndGradientForProducts}: its pipeline, parameters and features; or null. */
  private Kept kept;
  /**
   * The latest {@link #outputs}, while its forward pass is still in the stages: a vector-Jacobian
   * product at the same parameters and features (an algorithm's loss on the outputs, then its
   * backward pass) starts from it instead of running the forward pass again. Null after any other pass.
   */
  private Reusable reusable;

  /** One pass's stages, prepared for one batch shape; {@code output} is null for an embedding network. */
  private record Pipeline(List<Stage> stages, SoftmaxOutputStage output) {}

  /**
   * The latest {@link #lastLayerInputs} pass, while no other pass has used its pipeline since: its
   * parameters, features and pipeline, whose stages still hold it, so the backward pass from the
   * features' gradient can skip the forward pass (ANIL's body: one forward pass per set, not two).
   */
  private record FeaturePass(Pipeline pipeline, double[] params, INDArray features) {}

  private final List<FeaturePass> featurePasses = new ArrayList<>();

  private record Kept(Pipeline pipeline, double[] params, INDArray features) {}

  private record Reusable(double[] params, INDArray features, double[] outputs) {}

  private static Map<List<Integer>, Pipeline> pipelineCache(int shapes) {
    return new LinkedHashMap<>(8, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<List<Integer>, Pipeline> eldest) {
        return size() > shapes;
      }
    };
  }

  private ConvLearner(MultiLayerNetwork network, List<Supplier<Stage>> stageFactories,
      Supplier<SoftmaxOutputStage> outputFactory, INDArray gradientFlat, INDArray tangentFlat, boolean nativeViews,
      boolean exactHessian) {
    this.exactHessian = exactHessian;
    this.network = network;
    this.dataType = network.params().dataType();
    this.numParams = (int) network.params().length();
    this.paramVector = new NativeVector(network.params());
    this.gradientVector = new NativeVector(gradientFlat);
    this.tangentVector = new NativeVector(tangentFlat);
    this.stageFactories = stageFactories;
    this.outputFactory = outputFactory;
    this.nativeGradient = new double[numParams];
    this.nativeViews = nativeViews;
  }

  /** The fast learner for {@code conf}, or empty when it could not compute what DL4J does. */
  public static Optional<ConvLearner> of(MultiLayerConfiguration conf) {
    return of(conf, ConvolutionRoute.ONEDNN);
  }

  /** As {@link #of(MultiLayerConfiguration)}, its convolutions by {@code route}. */
  public static Optional<ConvLearner> of(MultiLayerConfiguration conf, ConvolutionRoute route) {
    Optional<ConvolutionRoute> effective = routeFor(conf, route);
    if (effective.isEmpty()) {
      return Optional.empty();
    }
    MultiLayerNetwork network = new MultiLayerNetwork(conf.clone());
    network.init();
    if (network.params().length() > Integer.MAX_VALUE - 8) {
      return Optional.empty();
    }
    // the gradient views of DL4J's own layout, in a vector of ours: the convolutions write into it
    INDArray gradientFlat = Nd4j.create(conf.getDataType(), 1, network.params().length());
    INDArray tangentFlat = Nd4j.create(conf.getDataType(), 1, network.params().length());
    boolean roundToFloat = conf.getDataType() == DataType.FLOAT;
    if (effective.get() == ConvolutionRoute.ONEDNN_FLOAT) {
      return Optional.of(withFloatBody(network, gradientFlat, tangentFlat));
    }
    boolean oneDnn = effective.get() == ConvolutionRoute.ONEDNN;
    List<Supplier<Stage>> stages = new ArrayList<>();
    Supplier<SoftmaxOutputStage> output = null;
    boolean nativeViews = false;
    long offset = 0;
    for (int l = 0; l < network.getnLayers(); l++) {
      org.deeplearning4j.nn.api.Layer layer = network.getLayer(l);
      Layer layerConf = layer.conf().getLayer();
      long count = layer.numParams();
      Map<String, INDArray> params = layer.paramTable();
      if (layerConf instanceof ConvolutionLayer convolution && (oneDnn || l == 0
          && effective.get() == ConvolutionRoute.LIBND4J_JAVA_FIRST && convolution.getNIn() <= FEW_CHANNELS)) {
        // parameters and gradients through the flat Java vectors
        int weightAt = position(params.get("W"), network);
        int biasAt = position(params.get("b"), network);
        int outChannels = (int) convolution.getNOut();
        Window window = window(convolution);
        stages.add(oneDnn ? () -> new OneDnnConvolutionStage(weightAt, biasAt, outChannels, window)
            : () -> new FirstConvolutionStage(weightAt, biasAt, outChannels, window, roundToFloat));
        if (convolution.getActivationFn() instanceof ActivationReLU) {
          stages.add(ReluStage::new);
        }
      } else if (layerConf instanceof ConvolutionLayer convolution) {
        Map<String, INDArray> gradients = layerViews(layer, gradientFlat, offset, count);
        Map<String, INDArray> tangents = layerViews(layer, tangentFlat, offset, count);
        INDArray weights = params.get("W");
        INDArray bias = params.get("b").reshape(params.get("b").length());
        INDArray weightGradient = gradients.get("W");
        INDArray biasGradient = gradients.get("b").reshape(bias.length());
        INDArray tangentWeights = tangents.get("W");
        INDArray tangentBias = tangents.get("b").reshape(bias.length());
        Window window = window(convolution);
        stages.add(() -> new ConvolutionStage(weights, bias, weightGradient, biasGradient, tangentWeights, tangentBias,
            window));
        nativeViews = true;
        if (convolution.getActivationFn() instanceof ActivationReLU) {
          stages.add(ReluStage::new);
        }
      } else if (layerConf instanceof BatchNormalization norm) {
        int gammaAt = position(params.get("gamma"), network);
        int betaAt = position(params.get("beta"), network);
        stages.add(() -> new BatchNormStage(gammaAt, betaAt, norm.getEps(), roundToFloat));
      } else if (layerConf instanceof ActivationLayer) {
        stages.add(ReluStage::new);
      } else if (layerConf instanceof SubsamplingLayer pooling && pooling.getPoolingType() == PoolingType.AVG) {
        int[] kernel = pooling.getKernelSize();
        stages.add(() -> new AveragePoolingStage(kernel));
      } else if (layerConf instanceof SubsamplingLayer pooling) {
        Window window = new Window(pooling.getKernelSize(), pooling.getStride(), pooling.getPadding(),
            pooling.getConvolutionMode() == ConvolutionMode.Same);
        DataType type = conf.getDataType();
        stages.add(() -> new MaxPoolingStage(window, type));
      } else {
        OutputLayer out = (OutputLayer) layerConf;
        INDArray w = params.get("W");
        int weightAt = position(w, network);
        long[] strides = {w.stride(0), w.stride(1)};
        int biasAt = position(params.get("b"), network);
        output = () -> new SoftmaxOutputStage(weightAt, strides, biasAt, (int) out.getNIn(), (int) out.getNOut(),
            roundToFloat);
      }
      offset += count;
    }
    return Optional.of(new ConvLearner(network, stages, output, gradientFlat, tangentFlat, nativeViews, true));
  }

  /** {@link ConvolutionRoute#ONEDNN_FLOAT}'s learner: the body's blocks as one stage, then the output layer. */
  private static ConvLearner withFloatBody(MultiLayerNetwork network, INDArray gradientFlat, INDArray tangentFlat) {
    List<OneDnnFloatBody.Block> blocks = new ArrayList<>();
    Supplier<SoftmaxOutputStage> output = null;
    // fitsFloatBody: convolution, batch norm, ReLU, block after block, then the output layer (if any)
    int l = 0;
    for (; l < network.getnLayers() && network.getLayer(l).conf().getLayer() instanceof ConvolutionLayer; l += 3) {
      ConvolutionLayer convolution = (ConvolutionLayer) network.getLayer(l).conf().getLayer();
      Map<String, INDArray> convolutionParams = network.getLayer(l).paramTable();
      BatchNormalization norm = (BatchNormalization) network.getLayer(l + 1).conf().getLayer();
      Map<String, INDArray> normParams = network.getLayer(l + 1).paramTable();
      blocks.add(new OneDnnFloatBody.Block(position(convolutionParams.get("W"), network),
          position(convolutionParams.get("b"), network), (int) convolution.getNOut(), window(convolution),
          position(normParams.get("gamma"), network), position(normParams.get("beta"), network), norm.getEps()));
    }
    if (l < network.getnLayers()) {
      OutputLayer out = (OutputLayer) network.getLayer(l).conf().getLayer();
      Map<String, INDArray> params = network.getLayer(l).paramTable();
      INDArray w = params.get("W");
      int weightAt = position(w, network);
      long[] strides = {w.stride(0), w.stride(1)};
      int biasAt = position(params.get("b"), network);
      output = () -> new SoftmaxOutputStage(weightAt, strides, biasAt, (int) out.getNIn(), (int) out.getNOut(), true);
    }
    List<Supplier<Stage>> stages = List.of(() -> new OneDnnFloatBody(blocks));
    return new ConvLearner(network, stages, output, gradientFlat, tangentFlat, false, false);
  }

  /**
   * Whether {@link OneDnnFloatBody} computes {@code conf}'s body: a float network of [convolution
   * without activation, batch norm, ReLU] blocks and nothing else before its output layer.
   */
  private static boolean fitsFloatBody(MultiLayerConfiguration conf) {
    List<NeuralNetConfiguration> confs = conf.getConfs();
    int blocks = 0;
    int l = 0;
    for (; l + 2 < confs.size() && confs.get(l).getLayer() instanceof ConvolutionLayer c; l += 3, blocks++) {
      if (!(c.getActivationFn() instanceof ActivationIdentity)
          || !(confs.get(l + 1).getLayer() instanceof BatchNormalization)
          || !(confs.get(l + 2).getLayer() instanceof ActivationLayer)) {
        return false;
      }
    }
    boolean rest = l == confs.size() || l == confs.size() - 1 && confs.get(l).getLayer() instanceof OutputLayer;
    return conf.getDataType() == DataType.FLOAT && blocks > 0 && rest;
  }

  private static Window window(ConvolutionLayer convolution) {
    return new Window(convolution.getKernelSize(), convolution.getStride(), convolution.getPadding(),
        convolution.getConvolutionMode() == ConvolutionMode.Same);
  }

  /** A layer's parameters as views, laid out as DL4J lays them out, into another flat vector of the network's size. */
  private static Map<String, INDArray> layerViews(org.deeplearning4j.nn.api.Layer layer, INDArray flat, long offset,
      long count) {
    INDArray view = flat.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0),
        org.nd4j.linalg.indexing.NDArrayIndex.interval(offset, offset + count)).reshape(1, count);
    return layer.conf().getLayer().initializer().getGradientsFromFlattened(layer.conf(), view);
  }

  /**
   * The route a {@link ConvLearner} asked for {@code route} takes for {@code conf}, or empty when
   * none computes what DL4J does: oneDNN has no double convolutions on the CPU, so a double network
   * keeps {@link ConvolutionRoute#LIBND4J_JAVA_FIRST}, and a float one whose body is not
   * {@link OneDnnFloatBody}'s blocks takes {@link ConvolutionRoute#ONEDNN} for {@link ConvolutionRoute#ONEDNN_FLOAT}.
   */
  public static Optional<ConvolutionRoute> routeFor(MultiLayerConfiguration conf, ConvolutionRoute route) {
    if (!accepts(conf)) {
      return Optional.empty();
    }
    boolean oneDnn = route == ConvolutionRoute.ONEDNN || route == ConvolutionRoute.ONEDNN_FLOAT;
    if (oneDnn && conf.getDataType() != DataType.FLOAT) {
      return Optional.of(ConvolutionRoute.LIBND4J_JAVA_FIRST);
    }
    return Optional.of(route == ConvolutionRoute.ONEDNN_FLOAT && !fitsFloatBody(conf) ? ConvolutionRoute.ONEDNN : route);
  }

  /** Where a parameter view starts in the network's flat vector. */
  private static int position(INDArray view, MultiLayerNetwork network) {
    return (int) (view.offset() - network.params().offset());
  }

  private static boolean accepts(MultiLayerConfiguration conf) {
    List<NeuralNetConfiguration> confs = conf.getConfs();
    DataType type = conf.getDataType();
    if (confs.size() < 2 || conf.getBackpropType() != BackpropType.Standard
        || (type != DataType.FLOAT && type != DataType.DOUBLE)) {
      return false;
    }
    int last = confs.size() - 1;
    boolean embedding = !(confs.get(last).getLayer() instanceof OutputLayer);
    Map<Integer, InputPreProcessor> preprocessors = conf.getInputPreProcessors();
    InputPreProcessor flatten = preprocessors.get(last);
    if (embedding ? !preprocessors.isEmpty() : preprocessors.size() != 1 || flatten == null
        || flatten.getClass() != CnnToFeedForwardPreProcessor.class
        || ((CnnToFeedForwardPreProcessor) flatten).getFormat() != CNN2DFormat.NCHW) {
      return false;
    }
    boolean sawConvolution = false;
    for (int l = 0; l < confs.size(); l++) {
      NeuralNetConfiguration layerConf = confs.get(l);
      Layer layer = layerConf.getLayer();
      if (!layerConf.isMiniBatch() || layer.getIDropout() != null) {
        return false;
      }
      Class<?> type2 = layer.getClass();
      boolean ok;
      if (l == last && !embedding) {
        ok = type2 == OutputLayer.class && isSoftmaxCrossEntropy((OutputLayer) layer);
      } else if (type2 == ConvolutionLayer.class) {
        ConvolutionLayer c = (ConvolutionLayer) layer;
        IActivation activation = c.getActivationFn();
        ok = PlainLayers.changesNothingButParameters(c) && c.hasBias() && c.getCnn2dDataFormat() == CNN2DFormat.NCHW
            && isPlainWindow(c.getConvolutionMode(), c.getDilation())
            && (activation instanceof ActivationIdentity || PlainLayers.isPlainRelu(activation));
        sawConvolution = true;
      } else if (type2 == BatchNormalization.class) {
        BatchNormalization b = (BatchNormalization) layer;
        ok = PlainLayers.changesNothingButParameters(b) && !b.isLockGammaBeta() && b.getCnn2DFormat() == CNN2DFormat.NCHW
            && sawConvolution;
      } else if (type2 == ActivationLayer.class) {
        ok = PlainLayers.isPlainRelu(((ActivationLayer) layer).getActivationFn());
      } else if (type2 == SubsamplingLayer.class) {
        SubsamplingLayer p = (SubsamplingLayer) layer;
        ok = p.getCnn2dDataFormat() == CNN2DFormat.NCHW && isPlainWindow(p.getConvolutionMode(), p.getDilation())
            && (p.getPoolingType() == PoolingType.MAX || p.getPoolingType() == PoolingType.AVG && tiles(p));
      } else {
        ok = false;
      }
      if (!ok) {
        return false;
      }
    }
    return sawConvolution;
  }

  /** Windows side by side without padding, as {@link AveragePoolingStage} takes them. */
  private static boolean tiles(SubsamplingLayer pooling) {
    return pooling.getConvolutionMode() != ConvolutionMode.Same
        && Arrays.equals(pooling.getStride(), pooling.getKernelSize())
        && Arrays.equals(pooling.getPadding(), new int[] {0, 0});
  }

  /** What {@link Window} computes: "same" or explicit padding (Truncate, Strict), no dilation. */
  private static boolean isPlainWindow(ConvolutionMode mode, int[] dilation) {
    return (mode == ConvolutionMode.Same || mode == ConvolutionMode.Truncate || mode == ConvolutionMode.Strict)
        && dilation[0] == 1 && dilation[1] == 1;
  }

  private static boolean isSoftmaxCrossEntropy(OutputLayer layer) {
    return PlainLayers.changesNothingButParameters(layer) && layer.hasBias()
        && layer.getActivationFn() != null && layer.getActivationFn().getClass() == ActivationSoftmax.class
        && layer.getLossFn() != null && layer.getLossFn().getClass() == LossMCXENT.class
        && ((LossMCXENT) layer.getLossFn()).getWeights() == null
        && ((LossMCXENT) layer.getLossFn()).getSoftmaxClipEps() == 1e-10;
  }

  @Override
  public int numParams() {
    return numParams;
  }

  @Override
  public DataType dataType() {
    return dataType;
  }

  @Override
  public double loss(double[] params, Examples examples) {
    requireLoss();
    forward(params, examples.features(), pipelines);
    return current.output().loss(labels(examples));
  }

  /** The softmax's probabilities; an embedding network's embeddings [n, c * h * w]. */
  @Override
  public INDArray outputs(double[] params, INDArray features) {
    double[] p = forward(params, features, pipelines);
    reusable = new Reusable(params.clone(), features, p);
    return Nd4j.createFromArray(p).reshape(features.size(0), p.length / features.size(0)).castTo(dataType);
  }

  @Override
  public double lossAndGradient(double[] params, Examples examples, double[] gradientOut) {
    return lossAndGradient(params, examples, gradientOut, pipelines);
  }

  @Override
  public double lossAndGradientForProducts(double[] params, Examples examples, double[] gradientOut) {
    double loss = lossAndGradient(params, examples, gradientOut, keptPipelines);
    kept = new Kept(current, params.clone(), examples.features());
    return loss;
  }

  private double lossAndGradient(double[] params, Examples examples, double[] gradientOut,
      Map<List<Integer>, Pipeline> from) {
    if (gradientOut.length != numParams) {
      throw new IllegalArgumentException("expected room for " + numParams + " gradient entries, got " + gradientOut.length);
    }
    requireLoss();
    if (from == keptPipelines) {
      // its pipeline is about to be overwritten
      kept = null;
    }
    forward(params, examples.features(), from);
    double[] labels = labels(examples);
    double loss = current.output().loss(labels);
    Arrays.fill(gradientOut, 0);
    backpropagate(current.output().backward(labels, params, gradientOut), params, gradientOut);
    return loss;
  }

  @Override
  public boolean exactHessian() {
    return exactHessian;
  }

  /** The backward pass of {@link #lossAndGradient}, started from G at the softmax's outputs (an embedding network's: at its embeddings). */
  @Override
  public void vectorJacobianProduct(double[] params, INDArray features, INDArray outputGradient, double[] gradientOut) {
    if (gradientOut.length != numParams) {
      throw new IllegalArgumentException("expected room for " + numParams + " gradient entries, got " + gradientOut.length);
    }
    double[] probabilities = reusable != null && reusable.features() == features
        && Arrays.equals(reusable.params(), params) ? reusable.outputs() : forward(params, features, pipelines);
    reusable = null;
    if (outputGradient.rank() != 2 || outputGradient.length() != probabilities.length
        || outputGradient.size(0) != features.size(0)) {
      throw new IllegalArgumentException("the output gradient must be [" + features.size(0) + ", "
          + probabilities.length / features.size(0) + "] like the outputs, got "
          + Arrays.toString(outputGradient.shape()));
    }
    Arrays.fill(gradientOut, 0);
    double[] g = outputGradient.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    backpropagate(current.output() == null ? g : current.output().backwardFromOutputs(g, gradientOut), params,
        gradientOut);
  }

  /**
   * Adds the stages' gradients, from the gradient {@code delta} with respect to the output stage's
   * input, into {@code gradientOut}, which holds the output stage's own.
   */
  private void backpropagate(double[] delta, double[] params, double[] gradientOut) {
    // the backward pass may change what the stages kept of the forward pass
    forgetFeaturePasses(current);
    List<Stage> stages = current.stages();
    for (int s = stages.size() - 1; s >= 0; s--) {
      delta = stages.get(s).backward(delta, s > 0, params, gradientOut);
    }
    addNativeGradient(gradientOut);
  }

  /** The native parameter vector, for the stages that read it ({@link #nativeViews}). */
  private void writeNativeParams(double[] params) {
    if (nativeViews) {
      paramVector.write(params);
    }
  }

  /**
   * Adds the native gradient vector into {@code out}: the entries libnd4j's convolutions wrote;
   * every other entry of that vector is zero.
   */
  private void addNativeGradient(double[] out) {
    if (!nativeViews) {
      return;
    }
    gradientVector.read(1, nativeGradient);
    for (int i = 0; i < numParams; i++) {
      out[i] += nativeGradient[i];
    }
  }

  @Override
  public void hessianVectorProduct(double[] params, Examples examples, double[] v, double[] out) {
    if (v.length != numParams || out.length != numParams) {
      throw new IllegalArgumentException("expected vectors of " + numParams + " entries, got " + v.length + " and "
          + out.length);
    }
    requireLoss();
    reusable = null;
    if (kept != null && kept.features() == examples.features() && Arrays.equals(kept.params(), params)) {
      // the forward pass and the plain backward pass are still in the kept pipeline's stages
      writeNativeParams(params);
      current = kept.pipeline();
    } else {
      forward(params, examples.features(), pipelines);
    }
    if (nativeViews) {
      tangentVector.write(v);
    }
    List<Stage> stages = current.stages();
    double[] tangent = null;
    for (Stage stage : stages) {
      tangent = stage.forwardTangent(tangent, params, v);
    }
    current.output().forwardTangent(tangent, v);
    Arrays.fill(out, 0);
    Deltas deltas = current.output().backwardWithTangent(labels(examples), out);
    for (int s = stages.size() - 1; s >= 0; s--) {
      deltas = stages.get(s).backwardWithTangent(deltas, s > 0, params, v, out);
    }
    addNativeGradient(out);
  }

  @Override
  public double[] lastLayerInputs(double[] params, INDArray features) {
    double[] inputs = forwardStages(params, features, pipelines).clone();
    // a pipeline evicted from the cache is never used again
    featurePasses.removeIf(pass -> !pipelines.containsValue(pass.pipeline()));
    featurePasses.add(new FeaturePass(current, params.clone(), features));
    return inputs;
  }

  @Override
  public void lastLayerInputsVectorJacobianProduct(double[] params, INDArray features, double[] inputGradient,
      double[] gradientOut) {
    if (gradientOut.length != numParams) {
      throw new IllegalArgumentException("expected room for " + numParams + " gradient entries, got " + gradientOut.length);
    }
    FeaturePass kept = featurePasses.stream()
        .filter(pass -> pass.features() == features && Arrays.equals(pass.params(), params)).findFirst().orElse(null);
    int inputs;
    if (kept != null) {
      writeNativeParams(params);
      current = kept.pipeline();
      inputs = current.output().inputs() * (int) features.size(0);
    } else {
      inputs = forwardStages(params, features, pipelines).length;
    }
    if (inputGradient.length != inputs) {
      throw new IllegalArgumentException("expected a gradient of the " + inputs + " last layer's inputs, got "
          + inputGradient.length);
    }
    Arrays.fill(gradientOut, 0);
    backpropagate(inputGradient.clone(), params, gradientOut);
  }

  private double[] forward(double[] params, INDArray features, Map<List<Integer>, Pipeline> from) {
    // the stages' pass chooses the pipeline whose output stage follows
    double[] activation = forwardStages(params, features, from);
    return current.output() == null ? activation : current.output().forward(activation, params);
  }

  /** The stages' pass, up to the output layer's input (in a stage's buffer, which the next pass overwrites). */
  private double[] forwardStages(double[] params, INDArray features, Map<List<Integer>, Pipeline> from) {
    if (params.length != numParams) {
      throw new IllegalArgumentException("expected " + numParams + " parameters, got " + params.length);
    }
    if (features.rank() != 4) {
      throw new IllegalArgumentException("expected NCHW image features [n, c, h, w], got shape "
          + Arrays.toString(features.shape()));
    }
    reusable = null;
    writeNativeParams(params);
    int n = (int) features.size(0);
    forgetFeaturePasses(from.get(List.of(n, (int) features.size(1), (int) features.size(2), (int) features.size(3))));
    int[] shape = {(int) features.size(1), (int) features.size(2), (int) features.size(3)};
    current = from.computeIfAbsent(List.of(n, shape[0], shape[1], shape[2]), key -> pipeline(n, shape));
    INDArray nativeFeatures = features.dataType() == dataType && !features.isView() && features.ordering() == 'c'
        ? features : features.castTo(dataType).dup('c');
    List<Stage> stages = current.stages();
    double[] activation = null;
    for (int s = 0; s < stages.size(); s++) {
      Stage stage = stages.get(s);
      if (s == 0 && !stage.takesNativeInput()) {
        activation = nativeFeatures.castTo(DataType.DOUBLE).data().asDouble();
      }
      activation = stage.forward(activation, s == 0 ? nativeFeatures : null, params);
    }
    return activation;
  }

  private void forgetFeaturePasses(Pipeline pipeline) {
    featurePasses.removeIf(pass -> pass.pipeline() == pipeline);
  }

  /** An embedding network's outputs are what an algorithm defines a loss on; it has none of its own. */
  private void requireLoss() {
    if (outputFactory == null) {
      throw new UnsupportedOperationException("an embedding network (no output layer) has no loss of its own:"
          + " train it with an algorithm that defines one on its outputs (protonet)");
    }
  }

  private Pipeline pipeline(int n, int[] shape) {
    List<Stage> stages = new ArrayList<>();
    int[] size = shape;
    for (Supplier<Stage> factory : stageFactories) {
      Stage stage = factory.get();
      size = stage.prepare(n, size);
      stages.add(stage);
    }
    if (outputFactory == null) {
      return new Pipeline(stages, null);
    }
    SoftmaxOutputStage output = outputFactory.get();
    int flat = size[0] * size[1] * size[2];
    if (flat != output.inputs()) {
      throw new IllegalArgumentException("images of shape " + Arrays.toString(shape) + " give "
          + flat + " features before the output layer, which takes " + output.inputs());
    }
    output.prepare(n);
    return new Pipeline(stages, output);
  }

  private double[] labels(Examples examples) {
    return examples.labels().castTo(DataType.DOUBLE).data().asDouble();
  }
}
