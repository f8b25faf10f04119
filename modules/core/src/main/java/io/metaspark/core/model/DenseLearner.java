package io.metaspark.core.model;

import io.metaspark.core.task.Examples;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

/**
 * The function {@link Dl4jLearner} computes for a plain MLP, in plain Java: DL4J's fixed cost per
 * call (~0.4 ms) is about 20 times the arithmetic of a 1-40-40-1 network on 10 points, and
 * meta-learning makes thousands of such calls.
 *
 * <p>Only what it reproduces exactly is accepted ({@link #of}): DenseLayers then one OutputLayer
 * with DL4J's MSE (per example the mean over outputs, then the mean over examples), identity,
 * ReLU, tanh or sigmoid activations, biases, and nothing that changes the function or its gradient
 * (dropout, weight noise, regularization, constraints, preprocessors, layer norm...). The
 * parameters are DL4J's flat vector, so the same vector is the same network for both learners.
 *
 * <p>It computes in double whatever the configuration's data type: for a float network it agrees
 * with DL4J to float rounding, not bit for bit. {@link #dataType()} is still the configuration's,
 * because that is the type examples are created in.
 *
 * <p>Its Hessian-vector product is exact ({@link Learner#exactHessian}): the R-operator of the
 * forward and backward passes, each fused with the pass it differentiates.
 *
 * <p>Work buffers are arrays per row and per unit, not one flat array per layer: HotSpot's C2
 * vectorizes a loop like {@code z[j] += x * w[j]} only when the arrays it reads and writes are
 * indexed by the same expression (otherwise it cannot rule out that they overlap), and every inner
 * loop here has that form. Each sum is still taken term by term in the same order as the scalar
 * loops this replaced, and Java never fuses a multiply and an add, so the results are the same bits
 * (3x faster loops, measured).
 *
 * <p>Not thread-safe: work buffers are reused from call to call.
 */
public final class DenseLearner implements Learner {
  private final DataType dataType;
  /** widths[0] inputs, widths[l + 1] units of layer l. */
  private final int[] widths;
  private final Nonlinearity[] nonlinearities;
  /** Where layer l's weights start; its bias follows them. */
  private final int[] weightOffsets;
  private final int numParams;

  /** The current call's weights as W's rows, [layer][input i][unit j]: the forward pass adds a_i W[i, :]. */
  private final double[][][] weightsByInput;
  /** The same weights by unit, [layer][unit j][input i] (DL4J's own order): the backward pass adds d_j W[:, j]. */
  private final double[][][] weightsByUnit;
  private final double[][] biases;
  /** The parameters the layouts above hold (a copy: callers may change theirs), whether any are, and whether both layouts are. */
  private final double[] loadedParams;
  private boolean loaded;
  private boolean loadedByUnit;
  /** The R-operator's direction v, laid out as the weights and biases above. */
  private final double[][][] directionByInput;
  private final double[][][] directionByUnit;
  private final double[][] directionBiases;
  /** The gradient (or Hessian-vector product) being accumulated, [layer][unit j][input i], and its biases. */
  private final double[][][] gradientByUnit;
  private final double[][] gradientBiases;

  private int rowCapacity;
  /** [row][input]; the activations and pre-activations below are [layer][row][unit]. */
  private double[][] inputRows;
  private final double[][][] preActivations;
  private final double[][][] activations;
  /** [row][unit] of the layer being back-propagated through, and of the layer below it. */
  private double[][] delta;
  private double[][] previousDelta;
  /** The R-operator's buffers: the directional derivatives of the four above along v. */
  private final double[][][] tangentPreActivations;
  private final double[][][] tangentActivations;
  private double[][] tangentDelta;
  private double[][] previousTangentDelta;

  private DenseLearner(DataType dataType, int[] widths, Nonlinearity[] nonlinearities) {
    this.dataType = dataType;
    this.widths = widths;
    this.nonlinearities = nonlinearities;
    int layers = nonlinearities.length;
    this.weightOffsets = new int[layers];
    this.weightsByInput = new double[layers][][];
    this.weightsByUnit = new double[layers][][];
    this.biases = new double[layers][];
    this.directionByInput = new double[layers][][];
    this.directionByUnit = new double[layers][][];
    this.directionBiases = new double[layers][];
    this.gradientByUnit = new double[layers][][];
    this.gradientBiases = new double[layers][];
    int offset = 0;
    for (int l = 0; l < layers; l++) {
      weightOffsets[l] = offset;
      offset += widths[l] * widths[l + 1] + widths[l + 1];
      weightsByInput[l] = new double[widths[l]][widths[l + 1]];
      weightsByUnit[l] = new double[widths[l + 1]][widths[l]];
      biases[l] = new double[widths[l + 1]];
      directionByInput[l] = new double[widths[l]][widths[l + 1]];
      directionByUnit[l] = new double[widths[l + 1]][widths[l]];
      directionBiases[l] = new double[widths[l + 1]];
      gradientByUnit[l] = new double[widths[l + 1]][widths[l]];
      gradientBiases[l] = new double[widths[l + 1]];
    }
    this.numParams = offset;
    this.loadedParams = new double[offset];
    this.preActivations = new double[layers][][];
    this.activations = new double[layers][][];
    this.tangentPreActivations = new double[layers][][];
    this.tangentActivations = new double[layers][][];
  }

  /** The fast learner for {@code conf}, or empty when it could not compute exactly what DL4J does. */
  public static Optional<DenseLearner> of(MultiLayerConfiguration conf) {
    List<NeuralNetConfiguration> layerConfs = conf.getConfs();
    if (layerConfs.isEmpty()
        || conf.getBackpropType() != BackpropType.Standard
        || !conf.getInputPreProcessors().isEmpty()
        || !conf.getDataType().isFPType()) {
      return Optional.empty();
    }
    int layers = layerConfs.size();
    int[] widths = new int[layers + 1];
    Nonlinearity[] nonlinearities = new Nonlinearity[layers];
    long numParams = 0;
    for (int l = 0; l < layers; l++) {
      NeuralNetConfiguration layerConf = layerConfs.get(l);
      Layer layer = layerConf.getLayer();
      boolean isOutput = l == layers - 1;
      // exact classes: subclasses (e.g. CenterLossOutputLayer) add terms of their own
      if (layer.getClass() != (isOutput ? OutputLayer.class : DenseLayer.class)
          // with miniBatch off DL4J's score is a sum over examples, not the mean computed here
          || !layerConf.isMiniBatch()
          || !PlainLayers.changesNothingButParameters((BaseLayer) layer)) {
        return Optional.empty();
      }
      if (isOutput) {
        OutputLayer output = (OutputLayer) layer;
        if (!output.hasBias() || !isUnweightedMse(output.getLossFn())) {
          return Optional.empty();
        }
      } else {
        DenseLayer dense = (DenseLayer) layer;
        if (!dense.hasBias() || dense.hasLayerNorm()) {
          return Optional.empty();
        }
      }
      Optional<Nonlinearity> nonlinearity = Nonlinearity.of(((BaseLayer) layer).getActivationFn());
      FeedForwardLayer sizes = (FeedForwardLayer) layer;
      if (nonlinearity.isEmpty()
          || sizes.getNIn() < 1 || sizes.getNOut() < 1
          || sizes.getNIn() > Integer.MAX_VALUE || sizes.getNOut() > Integer.MAX_VALUE
          || (l > 0 && sizes.getNIn() != widths[l])) {
        return Optional.empty();
      }
      nonlinearities[l] = nonlinearity.get();
      widths[l] = (int) sizes.getNIn();
      widths[l + 1] = (int) sizes.getNOut();
      numParams += sizes.getNIn() * sizes.getNOut() + sizes.getNOut();
    }
    if (numParams > Integer.MAX_VALUE - 8) {
      return Optional.empty();
    }
    return Optional.of(new DenseLearner(conf.getDataType(), widths, nonlinearities));
  }

  @Override
  public int numParams() {
    return numParams;
  }

  /** Double's, whatever the configuration's type: the arithmetic here is double. */
  @Override
  public double unitRoundoff() {
    return Math.ulp(1.0) / 2;
  }

  @Override
  public DataType dataType() {
    return dataType;
  }

  @Override
  public double loss(double[] params, Examples examples) {
    checkParams(params);
    int rows = loadInput(examples);
    double[] targets = labelRows(examples);
    loadWeights(params, false);
    return forward(targets, rows);
  }

  @Override
  public double lossAndGradient(double[] params, Examples examples, double[] gradientOut) {
    checkParams(params);
    int rows = loadInput(examples);
    double[] targets = labelRows(examples);
    loadWeights(params, true);
    double loss = forward(targets, rows);
    backward(targets, rows, gradientOut);
    return loss;
  }

  /**
   * Pearlmutter's R-operator: the forward pass carries each pre-activation's derivative along v
   * (Rz = V a + W Ra + Rb, Ra = f'(z) Rz), and the backward pass each delta's (R delta =
   * f'(z) (V^T delta + W^T R delta) + f''(z) Rz (W^T delta)), giving R{dL/dW} = R delta a^T +
   * delta Ra^T = H v. ReLU's f'' is zero: inside its piece a ReLU unit is linear, which is the
   * Hessian autograd takes.
   */
  @Override
  public void hessianVectorProduct(double[] params, Examples examples, double[] v, double[] out) {
    checkParams(params);
    if (v.length != numParams || out.length != numParams) {
      throw new IllegalArgumentException("expected vectors of " + numParams + " entries, got " + v.length + " and "
          + out.length);
    }
    int rows = loadInput(examples);
    double[] targets = labelRows(examples);
    loadWeights(params, true);
    loadDirection(v);
    activateWithTangent(rows);
    backwardWithTangent(targets, rows);
    storeGradient(out);
  }

  @Override
  public boolean exactHessian() {
    return true;
  }

  /** The backward pass of {@link #lossAndGradient}, started from G in place of the loss's output gradient. */
  @Override
  public void vectorJacobianProduct(double[] params, INDArray features, INDArray outputGradient, double[] gradientOut) {
    checkParams(params);
    int outputs = widths[widths.length - 1];
    if (gradientOut.length != numParams) {
      throw new IllegalArgumentException("expected room for " + numParams + " gradient entries, got " + gradientOut.length);
    }
    if (outputGradient.size(0) != features.size(0)) {
      throw new IllegalArgumentException("the output gradient has " + outputGradient.size(0) + " rows, the features "
          + features.size(0));
    }
    int rows = loadInput(features);
    double[] g = rowMajor(outputGradient, outputs, "the output gradient");
    loadWeights(params, true);
    activate(rows);
    for (int r = 0; r < rows; r++) {
      System.arraycopy(g, r * outputs, delta[r], 0, outputs);
    }
    backpropagate(rows);
    storeGradient(gradientOut);
  }

  /**
   * A loss the caller defines on the outputs (a policy's surrogate): how it starts the backward pass
   * ({@link #outputLossGradient}) and that pass's R-operator ({@link #outputLossCurvature}).
   */
  public interface OutputLoss {
    /** From the outputs [rows, outputs] (row-major), writes dLoss/dOutputs into {@code delta}; returns the loss. */
    double gradient(double[] outputs, int rows, double[] delta);

    /** Also writes the derivative of dLoss/dOutputs along v, from the outputs' own derivative along v. */
    void curvature(double[] outputs, double[] tangentOutputs, int rows, double[] delta, double[] tangentDelta);

    /**
     * Whether dLoss/dOutputs is zero wherever {@link #curvature} is asked (a Fisher or Gauss-Newton
     * matrix as a loss: {@link #outputLossCurvature} then runs only the backward pass's terms along
     * v, skipping the ones the zero gradient multiplies; the same result bit for bit).
     */
    default boolean zeroGradient() {
      return false;
    }
  }

  /** The loss and the network's part of its gradient, in one forward and one backward pass. */
  public double outputLossGradient(double[] params, double[] features, int rows, OutputLoss loss,
      double[] gradientOut) {
    checkParams(params);
    checkRows(features, rows, gradientOut);
    loadInput(features, rows);
    loadWeights(params, true);
    int outputs = widths[widths.length - 1];
    double[] outputDelta = new double[rows * outputs];
    double value = loss.gradient(flatten(activate(rows), rows), rows, outputDelta);
    unflatten(outputDelta, delta, rows);
    backpropagate(rows);
    storeGradient(gradientOut);
    return value;
  }

  /**
   * The network's part of H v for an {@link OutputLoss}: the R-operator of
   * {@link #outputLossGradient}, exact as {@link #hessianVectorProduct} is.
   */
  public void outputLossCurvature(double[] params, double[] features, int rows, double[] v, OutputLoss loss,
      double[] out) {
    checkParams(params);
    checkRows(features, rows, out);
    checkDirection(v);
    loadInput(features, rows);
    loadWeights(params, true);
    loadDirection(v);
    activateWithTangent(rows);
    outputLossBackwardWithTangent(rows, loss, out);
  }

  /**
   * A forward pass at {@code params} on {@code rows} row-major {@code features}, kept for products
   * there ({@link #outputLossCurvature(Pass, double[], OutputLoss, double[])}): a caller that asks
   * for many products at the same parameters and inputs (TRPO's conjugate gradient: ~22 on each
   * task's support rollouts an iteration) computes the plain forward pass once instead of in each
   * (the tangents' loop still reads what the plain pass would: it saves ~6% of a product).
   * Holds every row's pre-activations and activations: 2 x rows x (hidden and output units) doubles.
   */
  public Pass keep(double[] params, double[] features, int rows) {
    checkParams(params);
    if (rows < 1 || features.length < rows * widths[0]) {
      throw new IllegalArgumentException("expected " + rows + " x " + widths[0] + " features, got " + features.length);
    }
    loadInput(features, rows);
    loadWeights(params, false);
    activate(rows);
    int layers = nonlinearities.length;
    double[][][] keptPre = new double[layers][rows][];
    double[][][] keptActivations = new double[layers][rows][];
    for (int l = 0; l < layers; l++) {
      for (int r = 0; r < rows; r++) {
        keptPre[l][r] = Arrays.copyOf(preActivations[l][r], widths[l + 1]);
        keptActivations[l][r] = Arrays.copyOf(activations[l][r], widths[l + 1]);
      }
    }
    double[][] keptInputs = new double[rows][];
    for (int r = 0; r < rows; r++) {
      keptInputs[r] = Arrays.copyOf(inputRows[r], widths[0]);
    }
    return new Pass(this, params.clone(), rows, keptInputs, keptPre, keptActivations);
  }

  /** A forward pass of this network kept by {@link #keep}: its parameters, inputs and activations. */
  public static final class Pass {
    private final DenseLearner network;
    private final double[] params;
    private final int rows;
    private final double[][] inputRows;
    private final double[][][] preActivations;
    private final double[][][] activations;

    private Pass(DenseLearner network, double[] params, int rows, double[][] inputRows, double[][][] preActivations,
        double[][][] activations) {
      this.network = network;
      this.params = params;
      this.rows = rows;
      this.inputRows = inputRows;
      this.preActivations = preActivations;
      this.activations = activations;
    }
  }

  /**
   * {@link #outputLossCurvature(double[], double[], int, double[], OutputLoss, double[])} at the
   * parameters and inputs of a kept forward pass: only the derivatives along v are computed, in
   * the same order as there, so the product is the same bits.
   */
  public void outputLossCurvature(Pass pass, double[] v, OutputLoss loss, double[] out) {
    if (pass.network != this) {
      throw new IllegalArgumentException("a forward pass kept by another network");
    }
    checkDirection(v);
    if (out.length != numParams) {
      throw new IllegalArgumentException("expected room for " + numParams + " entries, got " + out.length);
    }
    int rows = pass.rows;
    ensureRowCapacity(rows);
    loadWeights(pass.params, true);
    loadDirection(v);
    // the passes below read the forward pass from the work buffers: lend them the kept one
    double[][] ownInputs = inputRows;
    double[][][] ownPre = preActivations.clone();
    double[][][] ownActivations = activations.clone();
    inputRows = pass.inputRows;
    System.arraycopy(pass.preActivations, 0, preActivations, 0, preActivations.length);
    System.arraycopy(pass.activations, 0, activations, 0, activations.length);
    try {
      activateTangentOnly(rows);
      outputLossBackwardWithTangent(rows, loss, out);
    } finally {
      inputRows = ownInputs;
      System.arraycopy(ownPre, 0, preActivations, 0, preActivations.length);
      System.arraycopy(ownActivations, 0, activations, 0, activations.length);
    }
  }

  private void checkDirection(double[] v) {
    if (v.length != numParams) {
      throw new IllegalArgumentException("expected a direction of " + numParams + " entries, got " + v.length);
    }
  }

  /** The loss's curvature at the outputs the R-operator's forward pass left, and its backward pass, into {@code out}. */
  private void outputLossBackwardWithTangent(int rows, OutputLoss loss, double[] out) {
    int last = nonlinearities.length - 1;
    int outputs = widths[last + 1];
    double[] outputDelta = new double[rows * outputs];
    double[] outputTangentDelta = new double[rows * outputs];
    loss.curvature(flatten(activations[last], rows), flatten(tangentActivations[last], rows), rows, outputDelta,
        outputTangentDelta);
    unflatten(outputTangentDelta, tangentDelta, rows);
    if (loss.zeroGradient()) {
      backwardAlongDirectionOnly(rows);
    } else {
      unflatten(outputDelta, delta, rows);
      backwardWithTangentFromDelta(rows);
    }
    storeGradient(out);
  }

  /**
   * The outputs for {@code rows} row-major {@code features}, row-major, copied: the forward pass
   * without an ND4J array on either side, for callers that run the network once per time step.
   */
  public double[] outputRows(double[] params, double[] features, int rows) {
    checkParams(params);
    if (rows < 1 || features.length < rows * widths[0]) {
      throw new IllegalArgumentException("expected " + rows + " x " + widths[0] + " features, got "
          + features.length);
    }
    loadInput(features, rows);
    loadWeights(params, false);
    return flatten(activate(rows), rows);
  }

  /** Inputs the network takes. */
  public int inputs() {
    return widths[0];
  }

  /** Outputs the network gives. */
  public int outputs() {
    return widths[widths.length - 1];
  }

  /** The output layer's [row][output] buffer as a fresh row-major array. */
  private double[] flatten(double[][] perRow, int rows) {
    int outputs = widths[widths.length - 1];
    double[] flat = new double[rows * outputs];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(perRow[r], 0, flat, r * outputs, outputs);
    }
    return flat;
  }

  private void unflatten(double[] flat, double[][] perRow, int rows) {
    int outputs = widths[widths.length - 1];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(flat, r * outputs, perRow[r], 0, outputs);
    }
  }

  private void checkRows(double[] features, int rows, double[] out) {
    if (rows < 1 || features.length < rows * widths[0] || out.length != numParams) {
      throw new IllegalArgumentException("expected " + rows + " x " + widths[0] + " features and room for "
          + numParams + " entries, got " + features.length + " features and " + out.length + " entries");
    }
  }

  @Override
  public INDArray outputs(double[] params, INDArray features) {
    checkParams(params);
    int rows = loadInput(features);
    int outputs = widths[widths.length - 1];
    loadWeights(params, false);
    return Nd4j.create(flatten(activate(rows), rows), new long[] {rows, outputs}, DataType.DOUBLE);
  }

  /** Copies the examples' features into the input rows, without ND4J when they were made from Java arrays. */
  private int loadInput(Examples examples) {
    double[] flat = examples.featureRows(widths[0]);
    return flat != null ? loadInput(flat, examples.size()) : loadInput(examples.features());
  }

  private double[] labelRows(Examples examples) {
    int outputs = widths[widths.length - 1];
    double[] flat = examples.labelRows(outputs);
    return flat != null ? flat : rowMajor(examples.labels(), outputs, "labels");
  }

  /** Copies the features into the input rows; returns the number of rows. */
  private int loadInput(INDArray features) {
    return loadInput(rowMajor(features, widths[0], "features"), (int) features.size(0));
  }

  private int loadInput(double[] flat, int rows) {
    int inputs = widths[0];
    ensureRowCapacity(rows);
    for (int r = 0; r < rows; r++) {
      System.arraycopy(flat, r * inputs, inputRows[r], 0, inputs);
    }
    return rows;
  }

  /** Lays out the call's parameters by input (for the forward pass) and, when asked, by unit (for the backward). */
  private void loadWeights(double[] params, boolean byUnitToo) {
    // a rollout runs the same parameters once per time step: lay them out once, not on every step
    if (loaded && (loadedByUnit || !byUnitToo) && Arrays.equals(params, loadedParams)) {
      return;
    }
    for (int l = 0; l < nonlinearities.length; l++) {
      spread(params, l, weightsByInput[l], byUnitToo ? weightsByUnit[l] : null, biases[l]);
    }
    System.arraycopy(params, 0, loadedParams, 0, numParams);
    loaded = true;
    loadedByUnit = byUnitToo;
  }

  private void loadDirection(double[] v) {
    for (int l = 0; l < nonlinearities.length; l++) {
      spread(v, l, directionByInput[l], directionByUnit[l], directionBiases[l]);
    }
  }

  private void spread(double[] flat, int layer, double[][] byInput, double[][] byUnit, double[] bias) {
    int nIn = widths[layer];
    int nOut = widths[layer + 1];
    int weights = weightOffsets[layer];
    for (int j = 0; j < nOut; j++) {
      // DL4J stores W [nIn, nOut] in 'f' order: unit j's incoming weights are contiguous
      int column = weights + j * nIn;
      if (byUnit != null) {
        System.arraycopy(flat, column, byUnit[j], 0, nIn);
      }
      for (int i = 0; i < nIn; i++) {
        byInput[i][j] = flat[column + i];
      }
    }
    System.arraycopy(flat, weights + nIn * nOut, bias, 0, nOut);
  }

  /** Writes the accumulated gradient in DL4J's flat order. */
  private void storeGradient(double[] out) {
    for (int l = 0; l < nonlinearities.length; l++) {
      int nIn = widths[l];
      int nOut = widths[l + 1];
      int weights = weightOffsets[l];
      for (int j = 0; j < nOut; j++) {
        System.arraycopy(gradientByUnit[l][j], 0, out, weights + j * nIn, nIn);
      }
      System.arraycopy(gradientBiases[l], 0, out, weights + nIn * nOut, nOut);
    }
  }

  private void clearGradient() {
    for (int l = 0; l < nonlinearities.length; l++) {
      for (double[] unit : gradientByUnit[l]) {
        Arrays.fill(unit, 0);
      }
      Arrays.fill(gradientBiases[l], 0);
    }
  }

  private double forward(double[] targets, int rows) {
    double[][] out = activate(rows);
    int outputs = widths[widths.length - 1];
    double squaredError = 0;
    for (int r = 0; r < rows; r++) {
      for (int o = 0; o < outputs; o++) {
        double error = out[r][o] - targets[r * outputs + o];
        squaredError += error * error;
      }
    }
    return squaredError / outputs / rows;
  }

  /** The output layer's activations, [row][output], in work buffers the next call overwrites. */
  private double[][] activate(int rows) {
    double[][] in = inputRows;
    for (int l = 0; l < nonlinearities.length; l++) {
      int nIn = widths[l];
      int nOut = widths[l + 1];
      double[][] w = weightsByInput[l];
      double[] bias = biases[l];
      for (int r = 0; r < rows; r++) {
        double[] a = in[r];
        double[] z = preActivations[l][r];
        Arrays.fill(z, 0);
        int i = 0;
        for (; i + 4 <= nIn; i += 4) {
          addProducts(z, nOut, w[i], a[i], w[i + 1], a[i + 1], w[i + 2], a[i + 2], w[i + 3], a[i + 3]);
        }
        for (; i < nIn; i++) {
          addProduct(z, nOut, w[i], a[i]);
        }
        for (int j = 0; j < nOut; j++) {
          z[j] += bias[j];
        }
        nonlinearities[l].apply(z, activations[l][r], nOut);
      }
      in = activations[l];
    }
    return in;
  }

  /**
   * {@link #activate}, and along with it the activations' derivatives along v. The pre-activations
   * are summed in the same order as there, so the ReLU masks are the gradient's.
   */
  private void activateWithTangent(int rows) {
    double[][] in = inputRows;
    // the inputs do not depend on the parameters
    double[][] tangentIn = null;
    for (int l = 0; l < nonlinearities.length; l++) {
      int nIn = widths[l];
      int nOut = widths[l + 1];
      double[][] w = weightsByInput[l];
      double[][] dw = directionByInput[l];
      double[] bias = biases[l];
      double[] directionBias = directionBiases[l];
      for (int r = 0; r < rows; r++) {
        double[] a = in[r];
        double[] z = preActivations[l][r];
        double[] tangentZ = tangentPreActivations[l][r];
        Arrays.fill(z, 0);
        Arrays.fill(tangentZ, 0);
        for (int i = 0; i < nIn; i++) {
          double x = a[i];
          double[] row = w[i];
          double[] directionRow = dw[i];
          if (tangentIn == null) {
            for (int j = 0; j < nOut; j++) {
              z[j] += x * row[j];
              tangentZ[j] += x * directionRow[j];
            }
          } else {
            double tangentX = tangentIn[r][i];
            for (int j = 0; j < nOut; j++) {
              z[j] += x * row[j];
              tangentZ[j] += x * directionRow[j] + tangentX * row[j];
            }
          }
        }
        for (int j = 0; j < nOut; j++) {
          z[j] += bias[j];
          tangentZ[j] += directionBias[j];
        }
        nonlinearities[l].apply(z, activations[l][r], nOut);
        nonlinearities[l].tangent(z, activations[l][r], tangentZ, tangentActivations[l][r], nOut);
      }
      in = activations[l];
      tangentIn = tangentActivations[l];
    }
  }

  /**
   * The tangent half of {@link #activateWithTangent}, from the pre-activations and activations
   * already in the work buffers (a kept pass): each tangent is summed exactly as there.
   */
  private void activateTangentOnly(int rows) {
    double[][] in = inputRows;
    double[][] tangentIn = null;
    for (int l = 0; l < nonlinearities.length; l++) {
      int nIn = widths[l];
      int nOut = widths[l + 1];
      double[][] w = weightsByInput[l];
      double[][] dw = directionByInput[l];
      double[] directionBias = directionBiases[l];
      for (int r = 0; r < rows; r++) {
        double[] a = in[r];
        double[] tangentZ = tangentPreActivations[l][r];
        Arrays.fill(tangentZ, 0);
        for (int i = 0; i < nIn; i++) {
          double x = a[i];
          double[] directionRow = dw[i];
          if (tangentIn == null) {
            for (int j = 0; j < nOut; j++) {
              tangentZ[j] += x * directionRow[j];
            }
          } else {
            double tangentX = tangentIn[r][i];
            double[] row = w[i];
            for (int j = 0; j < nOut; j++) {
              tangentZ[j] += x * directionRow[j] + tangentX * row[j];
            }
          }
        }
        for (int j = 0; j < nOut; j++) {
          tangentZ[j] += directionBias[j];
        }
        nonlinearities[l].tangent(preActivations[l][r], activations[l][r], tangentZ, tangentActivations[l][r], nOut);
      }
      in = activations[l];
      tangentIn = tangentActivations[l];
    }
  }

  /** {@link #backward}'s derivative along v, from what {@link #activateWithTangent} left: H v, accumulated by unit. */
  private void backwardWithTangent(double[] targets, int rows) {
    int last = nonlinearities.length - 1;
    int outputs = widths[last + 1];
    double lossScale = 2.0 / outputs / rows;
    for (int r = 0; r < rows; r++) {
      double[] output = activations[last][r];
      double[] tangentOutput = tangentActivations[last][r];
      for (int o = 0; o < outputs; o++) {
        delta[r][o] = lossScale * (output[o] - targets[r * outputs + o]);
        tangentDelta[r][o] = lossScale * tangentOutput[o];
      }
    }
    backwardWithTangentFromDelta(rows);
  }

  /** {@link #backwardWithTangent} from {@code delta} and {@code tangentDelta} holding the loss's, at the output layer's activations. */
  private void backwardWithTangentFromDelta(int rows) {
    clearGradient();
    int last = nonlinearities.length - 1;
    int outputs = widths[last + 1];
    for (int r = 0; r < rows; r++) {
      nonlinearities[last].backwardWithTangent(preActivations[last][r], activations[last][r],
          tangentPreActivations[last][r], delta[r], tangentDelta[r], outputs);
    }
    for (int l = last; l >= 0; l--) {
      int nIn = widths[l];
      int nOut = widths[l + 1];
      double[][] in = l == 0 ? inputRows : activations[l - 1];
      double[][] tangentIn = l == 0 ? null : tangentActivations[l - 1];
      double[][] w = weightsByUnit[l];
      double[][] dw = directionByUnit[l];
      double[][] out = gradientByUnit[l];
      double[] outBias = gradientBiases[l];
      boolean propagate = l > 0;
      for (int r = 0; r < rows; r++) {
        double[] a = in[r];
        double[] previous = previousDelta[r];
        double[] previousTangent = previousTangentDelta[r];
        if (propagate) {
          Arrays.fill(previous, 0, nIn, 0);
          Arrays.fill(previousTangent, 0, nIn, 0);
        }
        for (int j = 0; j < nOut; j++) {
          double d = delta[r][j];
          double tangentD = tangentDelta[r][j];
          double[] unit = out[j];
          outBias[j] += tangentD;
          if (tangentIn == null) {
            for (int i = 0; i < nIn; i++) {
              unit[i] += a[i] * tangentD;
            }
          } else {
            double[] tangentA = tangentIn[r];
            for (int i = 0; i < nIn; i++) {
              unit[i] += a[i] * tangentD + tangentA[i] * d;
            }
          }
          if (propagate) {
            double[] weights = w[j];
            double[] direction = dw[j];
            for (int i = 0; i < nIn; i++) {
              previous[i] += weights[i] * d;
              previousTangent[i] += weights[i] * tangentD + direction[i] * d;
            }
          }
        }
      }
      if (propagate) {
        for (int r = 0; r < rows; r++) {
          nonlinearities[l - 1].backwardWithTangent(preActivations[l - 1][r], activations[l - 1][r],
              tangentPreActivations[l - 1][r], previousDelta[r], previousTangentDelta[r], nIn);
        }
        double[][] swap = delta;
        delta = previousDelta;
        previousDelta = swap;
        swap = tangentDelta;
        tangentDelta = previousTangentDelta;
        previousTangentDelta = swap;
      }
    }
  }

  /**
   * {@link #backwardWithTangentFromDelta} when delta is zero at the outputs, hence at every layer:
   * what is left is R delta's own backward pass, J^T (R delta), the Gauss-Newton product: plain
   * backpropagation of R delta (a navigation policy's Fisher product on 2,000 rows: 23 -> 16 ms).
   * The same bits: each term dropped is a zero (delta times a finite number) added to an
   * accumulator that starts at +0, and such a sum cannot differ from the sum without it (not even in
   * a zero's sign). f''(z) delta vanishes with delta, so R delta takes the plain derivative.
   */
  private void backwardAlongDirectionOnly(int rows) {
    backpropagate(rows, tangentDelta, previousTangentDelta);
  }

  /** Backpropagation of the MSE from the activations {@link #forward} left in the work buffers. */
  private void backward(double[] targets, int rows, double[] gradientOut) {
    int outputs = widths[widths.length - 1];
    double[][] output = activations[nonlinearities.length - 1];
    double lossScale = 2.0 / outputs / rows;
    for (int r = 0; r < rows; r++) {
      for (int o = 0; o < outputs; o++) {
        delta[r][o] = lossScale * (output[r][o] - targets[r * outputs + o]);
      }
    }
    backpropagate(rows);
    storeGradient(gradientOut);
  }

  /**
   * The gradient with respect to the parameters, accumulated by unit, from {@code delta} holding the
   * gradient with respect to the output layer's activations, through the activations {@link #activate} left.
   */
  private void backpropagate(int rows) {
    backpropagate(rows, delta, previousDelta);
  }

  /**
   * {@link #backpropagate(int)} from {@code outputDeltas} (rows of the gradient at the output layer's
   * activations), with {@code scratch} as the other layer's rows; both are overwritten.
   */
  private void backpropagate(int rows, double[][] outputDeltas, double[][] scratch) {
    clearGradient();
    double[][] current = outputDeltas;
    double[][] previous = scratch;
    int last = nonlinearities.length - 1;
    int outputs = widths[last + 1];
    for (int r = 0; r < rows; r++) {
      nonlinearities[last].multiplyByDerivative(preActivations[last][r], activations[last][r], current[r], outputs);
    }
    for (int l = last; l >= 0; l--) {
      int nIn = widths[l];
      int nOut = widths[l + 1];
      double[][] in = l == 0 ? inputRows : activations[l - 1];
      double[][] w = weightsByUnit[l];
      double[][] gradient = gradientByUnit[l];
      double[] gradientBias = gradientBiases[l];
      boolean propagate = l > 0;
      // each unit's gradient takes the rows' terms in row order, four rows per pass over it
      for (int j = 0; j < nOut; j++) {
        double[] unit = gradient[j];
        double bias = gradientBias[j];
        int r = 0;
        for (; r + 4 <= rows; r += 4) {
          double d0 = current[r][j];
          double d1 = current[r + 1][j];
          double d2 = current[r + 2][j];
          double d3 = current[r + 3][j];
          addProducts(unit, nIn, in[r], d0, in[r + 1], d1, in[r + 2], d2, in[r + 3], d3);
          bias = bias + d0 + d1 + d2 + d3;
        }
        for (; r < rows; r++) {
          double d = current[r][j];
          addProduct(unit, nIn, in[r], d);
          bias += d;
        }
        gradientBias[j] = bias;
      }
      if (propagate) {
        // each row's delta takes the units' terms in unit order, four units per pass over it
        for (int r = 0; r < rows; r++) {
          double[] previousRow = previous[r];
          double[] d = current[r];
          Arrays.fill(previousRow, 0, nIn, 0);
          int j = 0;
          for (; j + 4 <= nOut; j += 4) {
            addProducts(previousRow, nIn, w[j], d[j], w[j + 1], d[j + 1], w[j + 2], d[j + 2], w[j + 3], d[j + 3]);
          }
          for (; j < nOut; j++) {
            addProduct(previousRow, nIn, w[j], d[j]);
          }
        }
        for (int r = 0; r < rows; r++) {
          nonlinearities[l - 1].multiplyByDerivative(preActivations[l - 1][r], activations[l - 1][r], previous[r],
              nIn);
        }
        double[][] swap = current;
        current = previous;
        previous = swap;
      }
    }
  }

  /** acc[0..n) += x * s, element by element. */
  private static void addProduct(double[] acc, int n, double[] x, double s) {
    for (int k = 0; k < n; k++) {
      acc[k] += x[k] * s;
    }
  }

  /**
   * Four {@link #addProduct}s in one pass, each element's terms added in the same order (Java adds
   * left to right and never fuses a multiply with an add), so the bits are those of four passes:
   * the accumulator is loaded and stored once instead of four times.
   */
  private static void addProducts(double[] acc, int n, double[] x0, double s0, double[] x1, double s1,
      double[] x2, double s2, double[] x3, double s3) {
    for (int k = 0; k < n; k++) {
      acc[k] = acc[k] + x0[k] * s0 + x1[k] * s1 + x2[k] * s2 + x3[k] * s3;
    }
  }

  private void ensureRowCapacity(int rows) {
    if (rows <= rowCapacity) {
      return;
    }
    int widest = 0;
    for (int l = 0; l < nonlinearities.length; l++) {
      preActivations[l] = new double[rows][widths[l + 1]];
      activations[l] = new double[rows][widths[l + 1]];
      tangentPreActivations[l] = new double[rows][widths[l + 1]];
      tangentActivations[l] = new double[rows][widths[l + 1]];
      widest = Math.max(widest, widths[l + 1]);
    }
    inputRows = new double[rows][widths[0]];
    delta = new double[rows][widest];
    previousDelta = new double[rows][widest];
    tangentDelta = new double[rows][widest];
    previousTangentDelta = new double[rows][widest];
    rowCapacity = rows;
  }

  private void checkParams(double[] params) {
    if (params.length != numParams) {
      throw new IllegalArgumentException("expected " + numParams + " parameters, got " + params.length);
    }
  }

  /** The elements of a [rows, columns] array in row-major order, read without an ND4J op. */
  private static double[] rowMajor(INDArray array, int columns, String what) {
    if (array.rank() != 2 || array.size(1) != columns) {
      throw new IllegalArgumentException(what + " must be [rows, " + columns + "], got "
          + Arrays.toString(array.shape()));
    }
    long length = array.length();
    if (array.ordering() == 'c' && array.offset() == 0 && array.data().length() == length
        && Shape.hasDefaultStridesForShape(array)) {
      return array.data().asDouble();
    }
    // a view or an 'f'-order array: indexed reads are right for any strides and offset
    int rows = (int) array.size(0);
    double[] values = new double[(int) length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < columns; c++) {
        values[r * columns + c] = array.getDouble(r, c);
      }
    }
    return values;
  }

  private static boolean isUnweightedMse(ILossFunction loss) {
    return loss != null && loss.getClass() == LossMSE.class && ((LossMSE) loss).getWeights() == null;
  }

  /** DL4J's activations, with their derivatives as DL4J's backprop takes them. */
  private enum Nonlinearity {
    IDENTITY {
      @Override
      void apply(double[] z, double[] a, int length) {
        System.arraycopy(z, 0, a, 0, length);
      }

      @Override
      void multiplyByDerivative(double[] z, double[] a, double[] delta, int length) {}

      @Override
      void tangent(double[] z, double[] a, double[] tangentZ, double[] tangentA, int length) {
        System.arraycopy(tangentZ, 0, tangentA, 0, length);
      }

      @Override
      void backwardWithTangent(double[] z, double[] a, double[] tangentZ, double[] delta, double[] tangentDelta,
          int length) {}
    },
    RELU {
      @Override
      void apply(double[] z, double[] a, int length) {
        for (int k = 0; k < length; k++) {
          // NaN stays NaN, so a diverged network still reports a non-finite loss
          a[k] = z[k] < 0 ? 0 : z[k];
        }
      }

      @Override
      void multiplyByDerivative(double[] z, double[] a, double[] delta, int length) {
        // DL4J's derivative at exactly 0 is 0
        for (int k = 0; k < length; k++) {
          if (!(z[k] > 0)) {
            delta[k] = 0;
          }
        }
      }

      @Override
      void tangent(double[] z, double[] a, double[] tangentZ, double[] tangentA, int length) {
        for (int k = 0; k < length; k++) {
          tangentA[k] = z[k] > 0 ? tangentZ[k] : 0;
        }
      }

      @Override
      void backwardWithTangent(double[] z, double[] a, double[] tangentZ, double[] delta, double[] tangentDelta,
          int length) {
        // f'' = 0 inside each piece: the mask alone, on both
        for (int k = 0; k < length; k++) {
          if (!(z[k] > 0)) {
            delta[k] = 0;
            tangentDelta[k] = 0;
          }
        }
      }
    },
    TANH {
      @Override
      void apply(double[] z, double[] a, int length) {
        for (int k = 0; k < length; k++) {
          a[k] = Math.tanh(z[k]);
        }
      }

      @Override
      void multiplyByDerivative(double[] z, double[] a, double[] delta, int length) {
        for (int k = 0; k < length; k++) {
          delta[k] *= 1 - a[k] * a[k];
        }
      }

      @Override
      void tangent(double[] z, double[] a, double[] tangentZ, double[] tangentA, int length) {
        for (int k = 0; k < length; k++) {
          tangentA[k] = (1 - a[k] * a[k]) * tangentZ[k];
        }
      }

      @Override
      void backwardWithTangent(double[] z, double[] a, double[] tangentZ, double[] delta, double[] tangentDelta,
          int length) {
        for (int k = 0; k < length; k++) {
          double first = 1 - a[k] * a[k];
          double second = -2 * a[k] * first;
          tangentDelta[k] = first * tangentDelta[k] + second * tangentZ[k] * delta[k];
          delta[k] *= first;
        }
      }
    },
    SIGMOID {
      @Override
      void apply(double[] z, double[] a, int length) {
        for (int k = 0; k < length; k++) {
          a[k] = 1 / (1 + Math.exp(-z[k]));
        }
      }

      @Override
      void multiplyByDerivative(double[] z, double[] a, double[] delta, int length) {
        for (int k = 0; k < length; k++) {
          delta[k] *= a[k] * (1 - a[k]);
        }
      }

      @Override
      void tangent(double[] z, double[] a, double[] tangentZ, double[] tangentA, int length) {
        for (int k = 0; k < length; k++) {
          tangentA[k] = a[k] * (1 - a[k]) * tangentZ[k];
        }
      }

      @Override
      void backwardWithTangent(double[] z, double[] a, double[] tangentZ, double[] delta, double[] tangentDelta,
          int length) {
        for (int k = 0; k < length; k++) {
          double first = a[k] * (1 - a[k]);
          double second = first * (1 - 2 * a[k]);
          tangentDelta[k] = first * tangentDelta[k] + second * tangentZ[k] * delta[k];
          delta[k] *= first;
        }
      }
    };

    abstract void apply(double[] z, double[] a, int length);

    abstract void multiplyByDerivative(double[] z, double[] a, double[] delta, int length);

    /** tangentA = f'(z) tangentZ: the activation's derivative along v. */
    abstract void tangent(double[] z, double[] a, double[] tangentZ, double[] tangentA, int length);

    /**
     * With {@code delta} = dL/da on entry: tangentDelta = f'(z) tangentDelta + f''(z) tangentZ delta,
     * then delta = f'(z) delta (dL/dz and its derivative along v).
     */
    abstract void backwardWithTangent(double[] z, double[] a, double[] tangentZ, double[] delta,
        double[] tangentDelta, int length);

    static Optional<Nonlinearity> of(IActivation activation) {
      if (activation == null) {
        return Optional.empty();
      }
      Class<?> type = activation.getClass();
      if (type == ActivationIdentity.class) {
        return Optional.of(IDENTITY);
      }
      if (type == ActivationReLU.class) {
        return PlainLayers.isPlainRelu(activation) ? Optional.of(RELU) : Optional.empty();
      }
      if (type == ActivationTanH.class) {
        return Optional.of(TANH);
      }
      if (type == ActivationSigmoid.class) {
        return Optional.of(SIGMOID);
      }
      return Optional.empty();
    }
  }
}
