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

  private int rowCapacity;
  private final double[][] preActivations;
  private final double[][] activations;
  private double[] delta;
  private double[] previousDelta;
  /** The R-operator's buffers: the directional derivatives of the four above along v. */
  private final double[][] tangentPreActivations;
  private final double[][] tangentActivations;
  private double[] tangentDelta;
  private double[] previousTangentDelta;

  private DenseLearner(DataType dataType, int[] widths, Nonlinearity[] nonlinearities) {
    this.dataType = dataType;
    this.widths = widths;
    this.nonlinearities = nonlinearities;
    this.weightOffsets = new int[nonlinearities.length];
    int offset = 0;
    for (int l = 0; l < nonlinearities.length; l++) {
      weightOffsets[l] = offset;
      offset += widths[l] * widths[l + 1] + widths[l + 1];
    }
    this.numParams = offset;
    this.preActivations = new double[nonlinearities.length][];
    this.activations = new double[nonlinearities.length][];
    this.tangentPreActivations = new double[nonlinearities.length][];
    this.tangentActivations = new double[nonlinearities.length][];
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
    return forward(params, rowMajor(examples.features(), widths[0], "features"),
        rowMajor(examples.labels(), widths[widths.length - 1], "labels"), examples.size());
  }

  @Override
  public double lossAndGradient(double[] params, Examples examples, double[] gradientOut) {
    checkParams(params);
    double[] input = rowMajor(examples.features(), widths[0], "features");
    double[] targets = rowMajor(examples.labels(), widths[widths.length - 1], "labels");
    int rows = examples.size();
    double loss = forward(params, input, targets, rows);
    backward(params, input, targets, rows, gradientOut);
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
    double[] input = rowMajor(examples.features(), widths[0], "features");
    double[] targets = rowMajor(examples.labels(), widths[widths.length - 1], "labels");
    int rows = examples.size();
    activateWithTangent(params, v, input, rows);
    backwardWithTangent(params, v, input, targets, rows, out);
  }

  @Override
  public boolean exactHessian() {
    return true;
  }

  /** The backward pass of {@link #lossAndGradient}, started from G in place of the loss's output gradient. */
  @Override
  public void vectorJacobianProduct(double[] params, INDArray features, INDArray outputGradient, double[] gradientOut) {
    checkParams(params);
    int rows = (int) features.size(0);
    int outputs = widths[widths.length - 1];
    double[] input = rowMajor(features, widths[0], "features");
    double[] g = rowMajor(outputGradient, outputs, "the output gradient");
    if (gradientOut.length != numParams) {
      throw new IllegalArgumentException("expected room for " + numParams + " gradient entries, got " + gradientOut.length);
    }
    if (outputGradient.size(0) != rows) {
      throw new IllegalArgumentException("the output gradient has " + outputGradient.size(0) + " rows, the features "
          + rows);
    }
    activate(params, input, rows);
    System.arraycopy(g, 0, delta, 0, rows * outputs);
    backpropagate(params, input, rows, gradientOut);
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
  }

  /** The loss and the network's part of its gradient, in one forward and one backward pass. */
  public double outputLossGradient(double[] params, double[] features, int rows, OutputLoss loss,
      double[] gradientOut) {
    checkParams(params);
    checkRows(features, rows, gradientOut);
    double[] outputs = activate(params, features, rows);
    double value = loss.gradient(outputs, rows, delta);
    backpropagate(params, features, rows, gradientOut);
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
    if (v.length != numParams) {
      throw new IllegalArgumentException("expected a direction of " + numParams + " entries, got " + v.length);
    }
    activateWithTangent(params, v, features, rows);
    int last = nonlinearities.length - 1;
    loss.curvature(activations[last], tangentActivations[last], rows, delta, tangentDelta);
    backwardWithTangentFromDelta(params, v, features, rows, out);
  }

  /**
   * The outputs for {@code rows} row-major {@code features}, row-major, copied: the forward pass
   * without an ND4J array on either side, for callers that run the network once per time step.
   */
  public double[] outputRows(double[] params, double[] features, int rows) {
    checkParams(params);
    return Arrays.copyOf(activate(params, features, rows), rows * widths[widths.length - 1]);
  }

  /** Inputs the network takes. */
  public int inputs() {
    return widths[0];
  }

  /** Outputs the network gives. */
  public int outputs() {
    return widths[widths.length - 1];
  }

  @Override
  public INDArray outputs(double[] params, INDArray features) {
    checkParams(params);
    int rows = (int) features.size(0);
    int outputs = widths[widths.length - 1];
    double[] out = activate(params, rowMajor(features, widths[0], "features"), rows);
    return Nd4j.create(Arrays.copyOf(out, rows * outputs), new long[] {rows, outputs}, DataType.DOUBLE);
  }

  private double forward(double[] params, double[] input, double[] targets, int rows) {
    double[] in = activate(params, input, rows);
    double squaredError = 0;
    for (int k = 0; k < rows * widths[widths.length - 1]; k++) {
      double error = in[k] - targets[k];
      squaredError += error * error;
    }
    return squaredError / widths[widths.length - 1] / rows;
  }

  /** The output layer's activations, row-major, in a work buffer the next call overwrites. */
  private double[] activate(double[] params, double[] input, int rows) {
    ensureRowCapacity(rows);
    double[] in = input;
    for (int l = 0; l < nonlinearities.length; l++) {
      int nIn = widths[l];
      int nOut = widths[l + 1];
      int weights = weightOffsets[l];
      int bias = weights + nIn * nOut;
      double[] z = preActivations[l];
      for (int r = 0; r < rows; r++) {
        int inRow = r * nIn;
        int outRow = r * nOut;
        for (int j = 0; j < nOut; j++) {
          // DL4J stores W [nIn, nOut] in 'f' order: unit j's incoming weights are contiguous
          int column = weights + j * nIn;
          double sum = 0;
          for (int i = 0; i < nIn; i++) {
            sum += in[inRow + i] * params[column + i];
          }
          z[outRow + j] = sum + params[bias + j];
        }
      }
      nonlinearities[l].apply(z, activations[l], rows * nOut);
      in = activations[l];
    }
    return in;
  }

  /**
   * {@link #activate}, and along with it the activations' derivatives along v. The pre-activations
   * are summed in the same order as there, so the ReLU masks are the gradient's.
   */
  private void activateWithTangent(double[] params, double[] v, double[] input, int rows) {
    ensureRowCapacity(rows);
    double[] in = input;
    // the inputs do not depend on the parameters
    double[] tangentIn = null;
    for (int l = 0; l < nonlinearities.length; l++) {
      int nIn = widths[l];
      int nOut = widths[l + 1];
      int weights = weightOffsets[l];
      int bias = weights + nIn * nOut;
      double[] z = preActivations[l];
      double[] tangentZ = tangentPreActivations[l];
      for (int r = 0; r < rows; r++) {
        int inRow = r * nIn;
        int outRow = r * nOut;
        for (int j = 0; j < nOut; j++) {
          int column = weights + j * nIn;
          double sum = 0;
          double tangent = 0;
          if (tangentIn == null) {
            for (int i = 0; i < nIn; i++) {
              double a = in[inRow + i];
              sum += a * params[column + i];
              tangent += a * v[column + i];
            }
          } else {
            for (int i = 0; i < nIn; i++) {
              double a = in[inRow + i];
              sum += a * params[column + i];
              tangent += a * v[column + i] + tangentIn[inRow + i] * params[column + i];
            }
          }
          z[outRow + j] = sum + params[bias + j];
          tangentZ[outRow + j] = tangent + v[bias + j];
        }
      }
      nonlinearities[l].apply(z, activations[l], rows * nOut);
      nonlinearities[l].tangent(z, activations[l], tangentZ, tangentActivations[l], rows * nOut);
      in = activations[l];
      tangentIn = tangentActivations[l];
    }
  }

  /** {@link #backward}'s derivative along v, from what {@link #activateWithTangent} left: H v into {@code out}. */
  private void backwardWithTangent(double[] params, double[] v, double[] input, double[] targets, int rows,
      double[] out) {
    int last = nonlinearities.length - 1;
    int outputs = widths[last + 1];
    double[] output = activations[last];
    double[] tangentOutput = tangentActivations[last];
    double lossScale = 2.0 / outputs / rows;
    for (int k = 0; k < rows * outputs; k++) {
      delta[k] = lossScale * (output[k] - targets[k]);
      tangentDelta[k] = lossScale * tangentOutput[k];
    }
    backwardWithTangentFromDelta(params, v, input, rows, out);
  }

  /** {@link #backwardWithTangent} from {@code delta} and {@code tangentDelta} holding the output layer's. */
  private void backwardWithTangentFromDelta(double[] params, double[] v, double[] input, int rows, double[] out) {
    Arrays.fill(out, 0, numParams, 0);
    int last = nonlinearities.length - 1;
    int outputs = widths[last + 1];
    nonlinearities[last].backwardWithTangent(preActivations[last], activations[last], tangentPreActivations[last],
        delta, tangentDelta, rows * outputs);
    for (int l = last; l >= 0; l--) {
      int nIn = widths[l];
      int nOut = widths[l + 1];
      int weights = weightOffsets[l];
      int bias = weights + nIn * nOut;
      double[] in = l == 0 ? input : activations[l - 1];
      double[] tangentIn = l == 0 ? null : tangentActivations[l - 1];
      boolean propagate = l > 0;
      for (int r = 0; r < rows; r++) {
        int inRow = r * nIn;
        int outRow = r * nOut;
        if (propagate) {
          Arrays.fill(previousDelta, inRow, inRow + nIn, 0);
          Arrays.fill(previousTangentDelta, inRow, inRow + nIn, 0);
        }
        for (int j = 0; j < nOut; j++) {
          double d = delta[outRow + j];
          double tangentD = tangentDelta[outRow + j];
          int column = weights + j * nIn;
          out[bias + j] += tangentD;
          if (tangentIn == null) {
            for (int i = 0; i < nIn; i++) {
              out[column + i] += in[inRow + i] * tangentD;
            }
          } else {
            for (int i = 0; i < nIn; i++) {
              out[column + i] += in[inRow + i] * tangentD + tangentIn[inRow + i] * d;
            }
          }
          if (propagate) {
            for (int i = 0; i < nIn; i++) {
              double w = params[column + i];
              previousDelta[inRow + i] += w * d;
              previousTangentDelta[inRow + i] += w * tangentD + v[column + i] * d;
            }
          }
        }
      }
      if (propagate) {
        nonlinearities[l - 1].backwardWithTangent(preActivations[l - 1], activations[l - 1],
            tangentPreActivations[l - 1], previousDelta, previousTangentDelta, rows * nIn);
        double[] swap = delta;
        delta = previousDelta;
        previousDelta = swap;
        swap = tangentDelta;
        tangentDelta = previousTangentDelta;
        previousTangentDelta = swap;
      }
    }
  }

  /** Backpropagation of the MSE from the activations {@link #forward} left in the work buffers. */
  private void backward(double[] params, double[] input, double[] targets, int rows, double[] gradientOut) {
    int outputs = widths[widths.length - 1];
    double[] output = activations[nonlinearities.length - 1];
    double lossScale = 2.0 / outputs / rows;
    for (int k = 0; k < rows * outputs; k++) {
      delta[k] = lossScale * (output[k] - targets[k]);
    }
    backpropagate(params, input, rows, gradientOut);
  }

  /**
   * The gradient with respect to the parameters from {@code delta} holding the gradient with respect
   * to the output layer's activations, through the activations {@link #activate} left.
   */
  private void backpropagate(double[] params, double[] input, int rows, double[] gradientOut) {
    Arrays.fill(gradientOut, 0, numParams, 0);
    int last = nonlinearities.length - 1;
    int outputs = widths[last + 1];
    nonlinearities[last].multiplyByDerivative(preActivations[last], activations[last], delta, rows * outputs);
    for (int l = last; l >= 0; l--) {
      int nIn = widths[l];
      int nOut = widths[l + 1];
      int weights = weightOffsets[l];
      int bias = weights + nIn * nOut;
      double[] in = l == 0 ? input : activations[l - 1];
      boolean propagate = l > 0;
      for (int r = 0; r < rows; r++) {
        int inRow = r * nIn;
        int outRow = r * nOut;
        if (propagate) {
          Arrays.fill(previousDelta, inRow, inRow + nIn, 0);
        }
        for (int j = 0; j < nOut; j++) {
          double d = delta[outRow + j];
          int column = weights + j * nIn;
          gradientOut[bias + j] += d;
          for (int i = 0; i < nIn; i++) {
            gradientOut[column + i] += in[inRow + i] * d;
          }
          if (propagate) {
            for (int i = 0; i < nIn; i++) {
              previousDelta[inRow + i] += params[column + i] * d;
            }
          }
        }
      }
      if (propagate) {
        nonlinearities[l - 1].multiplyByDerivative(preActivations[l - 1], activations[l - 1], previousDelta, rows * nIn);
        double[] swap = delta;
        delta = previousDelta;
        previousDelta = swap;
      }
    }
  }

  private void ensureRowCapacity(int rows) {
    if (rows <= rowCapacity) {
      return;
    }
    int widest = 0;
    for (int l = 0; l < nonlinearities.length; l++) {
      preActivations[l] = new double[rows * widths[l + 1]];
      activations[l] = new double[rows * widths[l + 1]];
      tangentPreActivations[l] = new double[rows * widths[l + 1]];
      tangentActivations[l] = new double[rows * widths[l + 1]];
      widest = Math.max(widest, widths[l + 1]);
    }
    delta = new double[rows * widest];
    previousDelta = new double[rows * widest];
    tangentDelta = new double[rows * widest];
    previousTangentDelta = new double[rows * widest];
    rowCapacity = rows;
  }

  private void checkRows(double[] features, int rows, double[] out) {
    if (rows < 1 || features.length < rows * widths[0] || out.length != numParams) {
      throw new IllegalArgumentException("expected " + rows + " x " + widths[0] + " features and room for "
          + numParams + " entries, got " + features.length + " features and " + out.length + " entries");
    }
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
