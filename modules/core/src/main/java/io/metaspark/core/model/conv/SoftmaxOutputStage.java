package io.metaspark.core.model.conv;

/**
 * DL4J's OutputLayer with softmax and multi-class cross-entropy, after the flattening of its NCHW
 * input (C order, as DL4J's CnnToFeedForwardPreProcessor does). The loss is the batch mean, with
 * DL4J's clipping of probabilities to [1e-10, 1 - 1e-10] inside the logarithm; the gradient is
 * DL4J's, (p - y) / n, which does not clip.
 */
final class SoftmaxOutputStage {
  private static final double CLIP = 1e-10;
  /** Weight (f, k) is at weightAt + f * weightStrides[0] + k * weightStrides[1] in the flat vector. */
  private final int weightAt;
  private final long[] weightStrides;
  private final int biasAt;
  private final int inputs;
  private final int classes;
  private final boolean roundToFloat;
  private int n;
  private double[] probabilities;
  /** The loss's (or an output gradient's) gradient with respect to the logits, per example and class. */
  private double[] logitGradient;
  private double[] in;
  private double[] inGradient;
  private double[] weights;
  /** The R-operator's: the input's and the probabilities' derivatives along v, v's weights, the input gradient's. */
  private double[] tangentIn;
  private double[] tangentProbabilities;
  private double[] tangentWeights;
  private double[] tangentInGradient;

  SoftmaxOutputStage(int weightAt, long[] weightStrides, int biasAt, int inputs, int classes, boolean roundToFloat) {
    this.weightAt = weightAt;
    this.weightStrides = weightStrides;
    this.biasAt = biasAt;
    this.inputs = inputs;
    this.classes = classes;
    this.roundToFloat = roundToFloat;
    this.weights = new double[inputs * classes];
  }

  int inputs() {
    return inputs;
  }

  void prepare(int n) {
    this.n = n;
    if (probabilities == null || probabilities.length != n * classes) {
      probabilities = new double[n * classes];
      logitGradient = new double[n * classes];
      inGradient = new double[n * inputs];
    }
  }

  /** Softmax probabilities [n, classes] for the flattened inputs. */
  double[] forward(double[] in, double[] params) {
    this.in = in;
    for (int f = 0; f < inputs; f++) {
      for (int k = 0; k < classes; k++) {
        weights[f * classes + k] = param(params, (int) (weightAt + f * weightStrides[0] + k * weightStrides[1]));
      }
    }
    for (int i = 0; i < n; i++) {
      int row = i * classes;
      for (int k = 0; k < classes; k++) {
        probabilities[row + k] = param(params, biasAt + k);
      }
      for (int f = 0; f < inputs; f++) {
        double a = in[i * inputs + f];
        if (a == 0) {
          continue;
        }
        for (int k = 0; k < classes; k++) {
          probabilities[row + k] += a * weights[f * classes + k];
        }
      }
      double max = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < classes; k++) {
        max = Math.max(max, probabilities[row + k]);
      }
      double total = 0;
      for (int k = 0; k < classes; k++) {
        double e = Math.exp(probabilities[row + k] - max);
        probabilities[row + k] = e;
        total += e;
      }
      for (int k = 0; k < classes; k++) {
        probabilities[row + k] /= total;
      }
    }
    return probabilities;
  }

  /** Mean cross-entropy against {@code labels} [n, classes] of the last forward pass. */
  double loss(double[] labels) {
    double sum = 0;
    for (int j = 0; j < n * classes; j++) {
      if (labels[j] != 0) {
        double p = Math.min(Math.max(probabilities[j], CLIP), 1 - CLIP);
        sum -= labels[j] * Math.log(p);
      }
    }
    return sum / n;
  }

  /** Adds the weight and bias gradients of the mean loss into {@code gradient}; returns the input gradient. */
  double[] backward(double[] labels, double[] params, double[] gradient) {
    for (int j = 0; j < n * classes; j++) {
      logitGradient[j] = (probabilities[j] - labels[j]) / n;
    }
    return backwardFromLogits(gradient);
  }

  /**
   * The vector-Jacobian product from {@code outputGradient} G [n, classes] at the probabilities: the
   * softmax's, p (G - sum_k G_k p_k) per example, then the layer's; adds the weight and bias entries
   * into {@code gradient} and returns the input gradient.
   */
  double[] backwardFromOutputs(double[] outputGradient, double[] gradient) {
    for (int i = 0; i < n; i++) {
      int row = i * classes;
      double mean = 0;
      for (int k = 0; k < classes; k++) {
        mean += outputGradient[row + k] * probabilities[row + k];
      }
      for (int k = 0; k < classes; k++) {
        logitGradient[row + k] = probabilities[row + k] * (outputGradient[row + k] - mean);
      }
    }
    return backwardFromLogits(gradient);
  }

  /** From the logits' gradient in {@link #logitGradient}: the weights' and bias's into {@code gradient}, and the input's. */
  private double[] backwardFromLogits(double[] gradient) {
    java.util.Arrays.fill(inGradient, 0);
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < classes; k++) {
        int j = i * classes + k;
        double d = logitGradient[j];
        if (d == 0) {
          continue;
        }
        gradient[biasAt + k] += d;
        for (int f = 0; f < inputs; f++) {
          gradient[(int) (weightAt + f * weightStrides[0] + k * weightStrides[1])] += in[i * inputs + f] * d;
          inGradient[i * inputs + f] += weights[f * classes + k] * d;
        }
      }
    }
    return inGradient;
  }

  /**
   * The probabilities' derivative along v: R z = V a + W R a + R b for the logits, then
   * R p = p (R z - sum_k p_k R z_k) through the softmax. {@code tangentIn} may be null (an input
   * that does not depend on the parameters).
   */
  void forwardTangent(double[] tangentIn, double[] v) {
    if (tangentProbabilities == null || tangentProbabilities.length != n * classes) {
      tangentProbabilities = new double[n * classes];
      tangentInGradient = new double[n * inputs];
      tangentWeights = new double[inputs * classes];
    }
    this.tangentIn = tangentIn;
    for (int f = 0; f < inputs; f++) {
      for (int k = 0; k < classes; k++) {
        tangentWeights[f * classes + k] = v[(int) (weightAt + f * weightStrides[0] + k * weightStrides[1])];
      }
    }
    for (int i = 0; i < n; i++) {
      int row = i * classes;
      for (int k = 0; k < classes; k++) {
        tangentProbabilities[row + k] = v[biasAt + k];
      }
      for (int f = 0; f < inputs; f++) {
        double a = in[i * inputs + f];
        double tangentA = tangentIn == null ? 0 : tangentIn[i * inputs + f];
        for (int k = 0; k < classes; k++) {
          tangentProbabilities[row + k] += a * tangentWeights[f * classes + k] + tangentA * weights[f * classes + k];
        }
      }
      double mean = 0;
      for (int k = 0; k < classes; k++) {
        mean += probabilities[row + k] * tangentProbabilities[row + k];
      }
      for (int k = 0; k < classes; k++) {
        tangentProbabilities[row + k] = probabilities[row + k] * (tangentProbabilities[row + k] - mean);
      }
    }
  }

  /**
   * {@link #backward}'s derivative along v, after {@link #forwardTangent}: with d = (p - y) / n and
   * R d = R p / n, adds R dW = R a d^T + a R d^T and R db into {@code hv}; returns the input's
   * gradient W d and its derivative V d + W R d.
   */
  Deltas backwardWithTangent(double[] labels, double[] hv) {
    java.util.Arrays.fill(inGradient, 0);
    java.util.Arrays.fill(tangentInGradient, 0);
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < classes; k++) {
        int j = i * classes + k;
        double d = (probabilities[j] - labels[j]) / n;
        double tangentD = tangentProbabilities[j] / n;
        hv[biasAt + k] += tangentD;
        for (int f = 0; f < inputs; f++) {
          int x = i * inputs + f;
          double tangentA = tangentIn == null ? 0 : tangentIn[x];
          hv[(int) (weightAt + f * weightStrides[0] + k * weightStrides[1])] += in[x] * tangentD + tangentA * d;
          inGradient[x] += weights[f * classes + k] * d;
          tangentInGradient[x] += tangentWeights[f * classes + k] * d + weights[f * classes + k] * tangentD;
        }
      }
    }
    return new Deltas(inGradient, tangentInGradient);
  }

  private double param(double[] params, int at) {
    return roundToFloat ? (float) params[at] : params[at];
  }
}
