package io.metaspark.core.model.conv;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Batch normalization with the batch's own statistics (training mode, as DL4J's loss and gradient
 * use it): per channel, over the batch and all positions, the mean and the biased variance, then
 * gamma (x - mean) / sqrt(var + eps) + beta.
 *
 * <p>In Java because DL4J's route costs more than the convolutions around it: on conv4 with 75
 * images its batch norm forward and backward take about 45% of a gradient, a third of that in a
 * variance reduction that walks the NCHW layout element by element.
 *
 * <p>The passes run channel group by channel group: conv4's first layer has 940,000 activations
 * for 75 images (7.5 MB in doubles), and a group of four channels' share (470 KB) stays in the
 * core's second-level cache from the sums to the normalization, and from the gradient's sums to the
 * input gradient, instead of streaming the whole batch from memory once per pass. Every value is
 * computed as by whole-batch passes, in the same order, so the bits are the same.
 */
final class BatchNormStage implements Stage {
  /** Channels whose reductions run side by side, and whose passes share the cache. */
  private static final int GROUP = 4;

  private final int gammaAt;
  private final int betaAt;
  private final double eps;
  private final boolean roundToFloat;
  private int n;
  private int channels;
  private int positions;
  private double[] normalized;
  private double[] inverseStd;
  private double[] gamma;
  /** Per channel: the batch mean, and the backward pass's sums (scratch). */
  private double[] mean;
  private double[] gammaGradient;
  private double[] betaGradient;
  /** The R-operator's: xhat's derivative along v, and per channel mean(xhat * tangent of x). */
  private double[] tangentNormalized;
  private double[] normalizedTangentMean;

  /** @param gammaAt, betaAt where gamma and beta start in the flat vector (each contiguous) */
  BatchNormStage(int gammaAt, int betaAt, double eps, boolean roundToFloat) {
    this.gammaAt = gammaAt;
    this.betaAt = betaAt;
    this.eps = eps;
    this.roundToFloat = roundToFloat;
  }

  @Override
  public int[] prepare(int n, int[] in) {
    this.n = n;
    this.channels = in[0];
    this.positions = in[1] * in[2];
    int length = n * channels * positions;
    if (normalized == null || normalized.length != length) {
      normalized = new double[length];
    }
    if (inverseStd == null || inverseStd.length != channels) {
      inverseStd = new double[channels];
      gamma = new double[channels];
      mean = new double[channels];
      gammaGradient = new double[channels];
      betaGradient = new double[channels];
    }
    tangentNormalized = null;
    return in;
  }

  @Override
  public double[] forward(double[] in, INDArray nativeIn, double[] params) {
    double count = (double) n * positions;
    for (int c = 0; c < channels; c += GROUP) {
      int width = Math.min(GROUP, channels - c);
      sums(in, c, width, mean);
      for (int j = c; j < c + width; j++) {
        mean[j] /= count;
      }
      squaredDeviations(in, c, width, mean, inverseStd);
      for (int j = c; j < c + width; j++) {
        inverseStd[j] = 1 / Math.sqrt(inverseStd[j] / count + eps);
        gamma[j] = param(params, gammaAt + j);
        normalize(in, j, param(params, betaAt + j));
      }
    }
    return in;
  }

  /** Channel c of {@code in}, in place: gamma xhat + b, keeping xhat for the backward pass. */
  private void normalize(double[] in, int c, double b) {
    double m = mean[c];
    double inv = inverseStd[c];
    double g = gamma[c];
    for (int i = 0; i < n; i++) {
      int base = (i * channels + c) * positions;
      for (int p = 0; p < positions; p++) {
        double xhat = (in[base + p] - m) * inv;
        normalized[base + p] = xhat;
        // in place: the caller hands over its buffer, and backward needs only xhat
        in[base + p] = g * xhat + b;
      }
    }
  }

  @Override
  public double[] backward(double[] outGradient, boolean inputGradient, double[] params, double[] gradient) {
    double count = (double) n * positions;
    for (int c = 0; c < channels; c += GROUP) {
      int width = Math.min(GROUP, channels - c);
      gradientSums(outGradient, c, width, gammaGradient, betaGradient);
      for (int j = c; j < c + width; j++) {
        gradient[gammaAt + j] += gammaGradient[j];
        gradient[betaAt + j] += betaGradient[j];
        if (inputGradient) {
          inputGradient(outGradient, j, count);
        }
      }
    }
    return inputGradient ? outGradient : null;
  }

  /**
   * Channel c of the input's gradient, in place over dy: gamma / std * (dy - mean(dy) - xhat *
   * mean(dy * xhat)), d/dx of the normalization through the batch's own mean and variance.
   */
  private void inputGradient(double[] dy, int c, double count) {
    double scale = gamma[c] * inverseStd[c];
    double meanDy = betaGradient[c] / count;
    double meanDyXhat = gammaGradient[c] / count;
    for (int i = 0; i < n; i++) {
      int base = (i * channels + c) * positions;
      for (int p = 0; p < positions; p++) {
        int k = base + p;
        dy[k] = scale * (dy[k] - meanDy - normalized[k] * meanDyXhat);
      }
    }
  }

  /**
   * With the batch's own statistics the mean and the variance move with x too:
   * R xhat = (Rx - mean(Rx) - xhat mean(xhat Rx)) / std, and R y = R gamma xhat + gamma R xhat + R beta.
   */
  @Override
  public double[] forwardTangent(double[] tangentIn, double[] params, double[] v) {
    int length = n * channels * positions;
    if (tangentNormalized == null) {
      tangentNormalized = new double[length];
      normalizedTangentMean = new double[channels];
    }
    // only after an input layer could the input not depend on the parameters; then Rx = 0
    double[] tangent = tangentIn != null ? tangentIn : new double[length];
    double count = (double) n * positions;
    for (int c = 0; c < channels; c++) {
      double sum = 0;
      double weighted = 0;
      for (int i = 0; i < n; i++) {
        int base = (i * channels + c) * positions;
        for (int p = 0; p < positions; p++) {
          sum += tangent[base + p];
          weighted += normalized[base + p] * tangent[base + p];
        }
      }
      double mean = sum / count;
      double slope = weighted / count;
      normalizedTangentMean[c] = slope;
      double inv = inverseStd[c];
      double g = gamma[c];
      double tangentGamma = v[gammaAt + c];
      double tangentBeta = v[betaAt + c];
      for (int i = 0; i < n; i++) {
        int base = (i * channels + c) * positions;
        for (int p = 0; p < positions; p++) {
          int k = base + p;
          double xhat = normalized[k];
          double tangentXhat = inv * (tangent[k] - mean - xhat * slope);
          tangentNormalized[k] = tangentXhat;
          tangent[k] = tangentGamma * xhat + g * tangentXhat + tangentBeta;
        }
      }
    }
    return tangent;
  }

  /**
   * {@link #backward}'s derivative along v: R dgamma = sum(R dy xhat + dy R xhat), R dbeta = sum(R dy),
   * and, with core = dy - mean(dy) - xhat mean(dy xhat) and dx = gamma / std * core,
   * R dx = R(gamma / std) core + gamma / std * R core, where R(1 / std) = -mean(xhat Rx) / std^2.
   */
  @Override
  public Deltas backwardWithTangent(Deltas out, boolean inputGradient, double[] params, double[] v, double[] hv) {
    double[] dy = out.gradient();
    double[] tangentDy = out.tangent();
    double count = (double) n * positions;
    for (int c = 0; c < channels; c++) {
      double dGamma = 0;
      double dBeta = 0;
      double tangentDGamma = 0;
      double tangentDBeta = 0;
      for (int i = 0; i < n; i++) {
        int base = (i * channels + c) * positions;
        for (int p = 0; p < positions; p++) {
          int k = base + p;
          dGamma += dy[k] * normalized[k];
          dBeta += dy[k];
          tangentDGamma += tangentDy[k] * normalized[k] + dy[k] * tangentNormalized[k];
          tangentDBeta += tangentDy[k];
        }
      }
      hv[gammaAt + c] += tangentDGamma;
      hv[betaAt + c] += tangentDBeta;
      if (!inputGradient) {
        continue;
      }
      double inv = inverseStd[c];
      double g = gamma[c];
      double scale = g * inv;
      double tangentScale = v[gammaAt + c] * inv - g * inv * inv * normalizedTangentMean[c];
      double meanDy = dBeta / count;
      double meanDyXhat = dGamma / count;
      double tangentMeanDy = tangentDBeta / count;
      double tangentMeanDyXhat = tangentDGamma / count;
      for (int i = 0; i < n; i++) {
        int base = (i * channels + c) * positions;
        for (int p = 0; p < positions; p++) {
          int k = base + p;
          double core = dy[k] - meanDy - normalized[k] * meanDyXhat;
          double tangentCore = tangentDy[k] - tangentMeanDy - tangentNormalized[k] * meanDyXhat
              - normalized[k] * tangentMeanDyXhat;
          dy[k] = scale * core;
          tangentDy[k] = tangentScale * core + scale * tangentCore;
        }
      }
    }
    return inputGradient ? out : null;
  }

  /*
   * The per-channel sums below take their terms in the plain loop's order (example by example,
   * position by position), so their bits are those of one loop per channel; but a chain of dependent
   * double additions runs at one add per adder latency, and batch norm's reductions were most of its
   * time on conv4's first layer. A group's four channels' chains at once keep the adders busy.
   */

  /** For channels c to c + width - 1 (width at most GROUP): the sum of x. */
  private void sums(double[] x, int c, int width, double[] out) {
    if (width < GROUP) {
      for (int j = c; j < c + width; j++) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
          int base = (i * channels + j) * positions;
          for (int p = 0; p < positions; p++) {
            sum += x[base + p];
          }
        }
        out[j] = sum;
      }
      return;
    }
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    for (int i = 0; i < n; i++) {
      int b0 = (i * channels + c) * positions;
      int b1 = b0 + positions;
      int b2 = b1 + positions;
      int b3 = b2 + positions;
      for (int p = 0; p < positions; p++) {
        s0 += x[b0 + p];
        s1 += x[b1 + p];
        s2 += x[b2 + p];
        s3 += x[b3 + p];
      }
    }
    out[c] = s0;
    out[c + 1] = s1;
    out[c + 2] = s2;
    out[c + 3] = s3;
  }

  /** For channels c to c + width - 1: the sum of (x - centre)^2. */
  private void squaredDeviations(double[] x, int c, int width, double[] centre, double[] out) {
    if (width < GROUP) {
      for (int j = c; j < c + width; j++) {
        double m = centre[j];
        double sum = 0;
        for (int i = 0; i < n; i++) {
          int base = (i * channels + j) * positions;
          for (int p = 0; p < positions; p++) {
            double d = x[base + p] - m;
            sum += d * d;
          }
        }
        out[j] = sum;
      }
      return;
    }
    double m0 = centre[c];
    double m1 = centre[c + 1];
    double m2 = centre[c + 2];
    double m3 = centre[c + 3];
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    for (int i = 0; i < n; i++) {
      int b0 = (i * channels + c) * positions;
      int b1 = b0 + positions;
      int b2 = b1 + positions;
      int b3 = b2 + positions;
      for (int p = 0; p < positions; p++) {
        double d0 = x[b0 + p] - m0;
        double d1 = x[b1 + p] - m1;
        double d2 = x[b2 + p] - m2;
        double d3 = x[b3 + p] - m3;
        s0 += d0 * d0;
        s1 += d1 * d1;
        s2 += d2 * d2;
        s3 += d3 * d3;
      }
    }
    out[c] = s0;
    out[c + 1] = s1;
    out[c + 2] = s2;
    out[c + 3] = s3;
  }

  /** For channels c to c + width - 1: gamma's and beta's gradients, the sums of dy * xhat and of dy. */
  private void gradientSums(double[] dy, int c, int width, double[] gammaOut, double[] betaOut) {
    if (width < GROUP) {
      for (int j = c; j < c + width; j++) {
        double dGamma = 0;
        double dBeta = 0;
        for (int i = 0; i < n; i++) {
          int base = (i * channels + j) * positions;
          for (int p = 0; p < positions; p++) {
            double d = dy[base + p];
            dGamma += d * normalized[base + p];
            dBeta += d;
          }
        }
        gammaOut[j] = dGamma;
        betaOut[j] = dBeta;
      }
      return;
    }
    double g0 = 0;
    double g1 = 0;
    double g2 = 0;
    double g3 = 0;
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    for (int i = 0; i < n; i++) {
      int b0 = (i * channels + c) * positions;
      int b1 = b0 + positions;
      int b2 = b1 + positions;
      int b3 = b2 + positions;
      for (int p = 0; p < positions; p++) {
        double d0 = dy[b0 + p];
        double d1 = dy[b1 + p];
        double d2 = dy[b2 + p];
        double d3 = dy[b3 + p];
        g0 += d0 * normalized[b0 + p];
        g1 += d1 * normalized[b1 + p];
        g2 += d2 * normalized[b2 + p];
        g3 += d3 * normalized[b3 + p];
        s0 += d0;
        s1 += d1;
        s2 += d2;
        s3 += d3;
      }
    }
    gammaOut[c] = g0;
    gammaOut[c + 1] = g1;
    gammaOut[c + 2] = g2;
    gammaOut[c + 3] = g3;
    betaOut[c] = s0;
    betaOut[c + 1] = s1;
    betaOut[c + 2] = s2;
    betaOut[c + 3] = s3;
  }

  private double param(double[] params, int at) {
    return roundToFloat ? (float) params[at] : params[at];
  }
}
