package io.metaspark.core.model;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A network's head as a function of the features its body computes: DL4J's dense OutputLayer,
 * z = phi W + b, with identity outputs and mean squared error (DL4J's: over outputs and examples) or
 * softmax and multi-class cross-entropy (the batch mean, probabilities clipped to [1e-10, 1 - 1e-10]
 * inside the logarithm as DL4J does; its gradient does not clip). Parameters in DL4J's layout: W
 * [inputs, outputs] in 'f' order, then b. Features and labels are row-major arrays of n rows.
 *
 * <p>Besides the loss's gradient and exact Hessian-vector products in the head's parameters, it gives
 * the derivatives with respect to the features that carry a gradient into the body: the loss's, and
 * that of the head gradient's inner product with a vector (the mixed second derivative).
 */
public final class LinearHead implements Serializable {
  private static final double CLIP = 1e-10;

  /** The output and loss pairs the head computes. */
  public enum Loss {
    /** Identity outputs, mean squared error. */
    MSE,
    /** Softmax outputs, multi-class cross-entropy. */
    SOFTMAX_CROSS_ENTROPY
  }

  private final int inputs;
  private final int outputs;
  private final Loss loss;

  public LinearHead(int inputs, int outputs, Loss loss) {
    this.inputs = inputs;
    this.outputs = outputs;
    this.loss = loss;
  }

  public int inputs() {
    return inputs;
  }

  /** Mean loss on n examples. */
  public double loss(double[] head, double[] features, double[] labels, int n) {
    return value(logits(head, features, n), labels, n);
  }

  /** Mean loss, and its gradient in the head's parameters written into {@code gradientOut}. */
  public double lossAndGradient(double[] head, double[] features, double[] labels, int n, double[] gradientOut) {
    double[] z = logits(head, features, n);
    double value = value(z, labels, n);
    parameterGradient(features, logitGradient(z, labels, n), n, gradientOut);
    return value;
  }

  /** H v in the head's parameters, exactly, into {@code out}. */
  public void hessianVectorProduct(double[] head, double[] features, double[] labels, int n, double[] v,
      double[] out) {
    double[] z = logits(head, features, n);
    parameterGradient(features, logitTangent(z, logits(v, features, n), n), n, out);
  }

  /** dL/dphi [n, inputs] into {@code out}. */
  public void featureGradient(double[] head, double[] features, double[] labels, int n, double[] out) {
    double[] dz = logitGradient(logits(head, features, n), labels, n);
    backToFeatures(dz, head, n, out, false);
  }

  /**
   * d/dphi of the head gradient's inner product with {@code v}, (dL/dhead) . v, added into
   * {@code out} times {@code scale}: v's weights against the logits' gradient, and the head's weights
   * against that gradient's derivative along v.
   */
  public void addMixedGradient(double[] head, double[] features, double[] labels, int n, double[] v, double scale,
      double[] out) {
    double[] z = logits(head, features, n);
    double[] dz = logitGradient(z, labels, n);
    double[] tangent = logitTangent(z, logits(v, features, n), n);
    double[] mixed = new double[n * inputs];
    backToFeatures(dz, v, n, mixed, false);
    backToFeatures(tangent, head, n, mixed, true);
    for (int k = 0; k < mixed.length; k++) {
      out[k] += scale * mixed[k];
    }
  }

  /** phi W + b [n, outputs] for the parameters {@code w} (W and b in DL4J's layout). */
  private double[] logits(double[] w, double[] features, int n) {
    double[] z = new double[n * outputs];
    int bias = inputs * outputs;
    for (int r = 0; r < n; r++) {
      for (int j = 0; j < outputs; j++) {
        double sum = 0;
        for (int i = 0; i < inputs; i++) {
          sum += features[r * inputs + i] * w[j * inputs + i];
        }
        z[r * outputs + j] = sum + w[bias + j];
      }
    }
    return z;
  }

  private double value(double[] z, double[] labels, int n) {
    double sum = 0;
    if (loss == Loss.MSE) {
      for (int k = 0; k < z.length; k++) {
        sum += (z[k] - labels[k]) * (z[k] - labels[k]);
      }
      return sum / outputs / n;
    }
    double[] p = softmax(z, n);
    for (int k = 0; k < p.length; k++) {
      if (labels[k] != 0) {
        sum -= labels[k] * Math.log(Math.min(Math.max(p[k], CLIP), 1 - CLIP));
      }
    }
    return sum / n;
  }

  /** dL/dz. */
  private double[] logitGradient(double[] z, double[] labels, int n) {
    double[] dz = new double[z.length];
    if (loss == Loss.MSE) {
      for (int k = 0; k < z.length; k++) {
        dz[k] = 2 * (z[k] - labels[k]) / outputs / n;
      }
      return dz;
    }
    double[] p = softmax(z, n);
    for (int k = 0; k < z.length; k++) {
      dz[k] = (p[k] - labels[k]) / n;
    }
    return dz;
  }

  /** The derivative of dL/dz along the logits' tangent {@code rz}: the loss's Hessian in z times rz. */
  private double[] logitTangent(double[] z, double[] rz, int n) {
    double[] out = new double[z.length];
    if (loss == Loss.MSE) {
      for (int k = 0; k < z.length; k++) {
        out[k] = 2 * rz[k] / outputs / n;
      }
      return out;
    }
    double[] p = softmax(z, n);
    for (int r = 0; r < n; r++) {
      double mean = 0;
      for (int j = 0; j < outputs; j++) {
        mean += p[r * outputs + j] * rz[r * outputs + j];
      }
      for (int j = 0; j < outputs; j++) {
        out[r * outputs + j] = p[r * outputs + j] * (rz[r * outputs + j] - mean) / n;
      }
    }
    return out;
  }

  /** The parameters' gradient from the logits' gradient {@code dz}: phi^T dz for W, sum over rows for b. */
  private void parameterGradient(double[] features, double[] dz, int n, double[] out) {
    int bias = inputs * outputs;
    Arrays.fill(out, 0);
    for (int r = 0; r < n; r++) {
      for (int j = 0; j < outputs; j++) {
        double d = dz[r * outputs + j];
        for (int i = 0; i < inputs; i++) {
          out[j * inputs + i] += features[r * inputs + i] * d;
        }
        out[bias + j] += d;
      }
    }
  }

  /** dz W^T [n, inputs], W from {@code w}, into (or, with {@code add}, added into) {@code out}. */
  private void backToFeatures(double[] dz, double[] w, int n, double[] out, boolean add) {
    for (int r = 0; r < n; r++) {
      for (int i = 0; i < inputs; i++) {
        double sum = 0;
        for (int j = 0; j < outputs; j++) {
          sum += dz[r * outputs + j] * w[j * inputs + i];
        }
        out[r * inputs + i] = add ? out[r * inputs + i] + sum : sum;
      }
    }
  }

  private double[] softmax(double[] z, int n) {
    double[] p = new double[z.length];
    for (int r = 0; r < n; r++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < outputs; j++) {
        max = Math.max(max, z[r * outputs + j]);
      }
      double sum = 0;
      for (int j = 0; j < outputs; j++) {
        p[r * outputs + j] = Math.exp(z[r * outputs + j] - max);
        sum += p[r * outputs + j];
      }
      for (int j = 0; j < outputs; j++) {
        p[r * outputs + j] /= sum;
      }
    }
    return p;
  }
}
