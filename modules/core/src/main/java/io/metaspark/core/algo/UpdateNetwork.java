package io.metaspark.core.algo;

import java.util.SplittableRandom;

/**
 * A learned update network in the manner of Andrychowicz et al. (2016), coordinate-wise: one small
 * network, shared by every coordinate, maps a coordinate's gradient and its history to that
 * coordinate's step, theta_i <- theta_i - lr * N(x_i), where
 * x_i = (g_i, m_i(0.5), m_i(0.9), m_i(0.99)) / (sqrt(s_i) + 1e-8): the gradient and its
 * bias-corrected running averages at three decay rates, all divided by the root of the running mean
 * of its square (decay 0.99). N is an MLP, {@value #FEATURES}-{@code hidden}-1 with tanh, its weights
 * the rule's learned values.
 *
 * <p>Why an MLP over running averages and not the paper's LSTM: the averages are the history an LSTM
 * would have to learn to keep, and they make the update a function of this step's inputs alone, so
 * with the paper's simplification (gradients taken as constants of the meta-parameters) no state
 * depends on the network's weights and the backward pass through a step is one pass through N per
 * coordinate, without backpropagation through time of a hidden state. Dividing by the root mean
 * square makes the inputs scale-free, which the paper got from its log/sign preprocessing: one
 * network serves a quadratic's gradients and a neural network's. Its outputs times {@code lr} are the
 * steps, so the initial network takes steps of about {@code lr}, as Adam at that rate would.
 *
 * <p>Backward, as the paper: the support gradients' dependence on the earlier steps is dropped
 * (no second derivatives), so dtheta_{j+1}/dtheta_j is taken as the identity and v passes unchanged;
 * the weights get -lr sum_i v_i dN(x_i)/dweights.
 */
public record UpdateNetwork(int hidden, double learningRate, long seed) implements UpdateRule {
  /** The inputs per coordinate: the gradient and its averages at {@link #DECAYS}. */
  public static final int FEATURES = 4;
  private static final double[] DECAYS = {0.5, 0.9, 0.99};
  private static final double SQUARE_DECAY = 0.99;
  private static final double EPSILON = 1e-8;

  public UpdateNetwork {
    if (hidden < 1) {
      throw new IllegalArgumentException("the update network needs >= 1 hidden unit, got " + hidden);
    }
    if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
      throw new IllegalArgumentException("the update network's step scale (inner learning rate) must be a positive"
          + " number, got " + learningRate);
    }
  }

  /** The hidden size of a network of {@code learnedValues} weights (as model.json keeps them), or an error. */
  public static int hiddenOf(int learnedValues) {
    int perUnit = FEATURES + 2;
    if (learnedValues < perUnit + 1 || (learnedValues - 1) % perUnit != 0) {
      throw new IllegalArgumentException(learnedValues + " values are no update network's weights (hidden x "
          + perUnit + " + 1)");
    }
    return (learnedValues - 1) / perUnit;
  }

  @Override
  public int learnedValues() {
    return hidden * (FEATURES + 2) + 1;
  }

  /** Input weights uniform in +-1/sqrt(inputs), output weights in +-1/sqrt(hidden), biases 0, from the seed. */
  @Override
  public void initLearned(double[] learned) {
    SplittableRandom random = new SplittableRandom(seed);
    double inputScale = 1 / Math.sqrt(FEATURES);
    for (int k = 0; k < hidden * FEATURES; k++) {
      learned[k] = inputScale * (2 * random.nextDouble() - 1);
    }
    double outputScale = 1 / Math.sqrt(hidden);
    for (int h = 0; h < hidden; h++) {
      learned[outputWeight(h)] = outputScale * (2 * random.nextDouble() - 1);
    }
  }

  /** The gradient's three running averages, then the running mean of its square, each one per coordinate. */
  @Override
  public int memoryValues(int networkParams) {
    return (DECAYS.length + 1) * networkParams;
  }

  @Override
  public void step(int step, double[] learned, double[] theta, double[] gradient) {
    throw new IllegalStateException("the update network keeps a gradient history: step it with its memory");
  }

  @Override
  public void backward(int step, double[] learned, double[] theta, double[] gradient, double[] v,
      Curvature curvature, double[] learnedGradient) {
    throw new IllegalStateException("the update network keeps a gradient history: backpropagate with its memory");
  }

  @Override
  public void step(int step, double[] learned, double[] memory, double[] theta, double[] gradient) {
    int n = theta.length;
    for (int d = 0; d < DECAYS.length; d++) {
      average(memory, d * n, DECAYS[d], gradient, false);
    }
    average(memory, DECAYS.length * n, SQUARE_DECAY, gradient, true);
    double[] x = new double[FEATURES];
    double[] activations = new double[hidden];
    for (int i = 0; i < n; i++) {
      features(step, memory, gradient, i, n, x);
      theta[i] -= learningRate * output(learned, x, activations);
    }
  }

  @Override
  public void backward(int step, double[] learned, double[] memory, double[] theta, double[] gradient, double[] v,
      Curvature curvature, double[] learnedGradient) {
    int n = theta.length;
    double[] x = new double[FEATURES];
    double[] activations = new double[hidden];
    for (int i = 0; i < n; i++) {
      double c = -learningRate * v[i];
      if (c == 0) {
        continue;
      }
      features(step, memory, gradient, i, n, x);
      output(learned, x, activations);
      learnedGradient[outputBias()] += c;
      for (int h = 0; h < hidden; h++) {
        double a = activations[h];
        learnedGradient[outputWeight(h)] += c * a;
        double delta = c * learned[outputWeight(h)] * (1 - a * a);
        learnedGradient[hiddenBias(h)] += delta;
        for (int f = 0; f < FEATURES; f++) {
          learnedGradient[h * FEATURES + f] += delta * x[f];
        }
      }
    }
  }

  private static void average(double[] memory, int from, double decay, double[] gradient, boolean squared) {
    for (int i = 0; i < gradient.length; i++) {
      double value = squared ? gradient[i] * gradient[i] : gradient[i];
      memory[from + i] = decay * memory[from + i] + (1 - decay) * value;
    }
  }

  /** Coordinate i's inputs after step {@code step}'s averages, bias-corrected as Adam's. */
  private static void features(int step, double[] memory, double[] gradient, int i, int n, double[] x) {
    double meanSquare = memory[DECAYS.length * n + i] / (1 - Math.pow(SQUARE_DECAY, step + 1));
    double scale = 1 / (Math.sqrt(meanSquare) + EPSILON);
    x[0] = gradient[i] * scale;
    for (int d = 0; d < DECAYS.length; d++) {
      x[d + 1] = memory[d * n + i] / (1 - Math.pow(DECAYS[d], step + 1)) * scale;
    }
  }

  /** N(x), leaving the hidden units' tanh activations in {@code activations}. */
  private double output(double[] learned, double[] x, double[] activations) {
    double out = learned[outputBias()];
    for (int h = 0; h < hidden; h++) {
      double z = learned[hiddenBias(h)];
      for (int f = 0; f < FEATURES; f++) {
        z += learned[h * FEATURES + f] * x[f];
      }
      activations[h] = Math.tanh(z);
      out += learned[outputWeight(h)] * activations[h];
    }
    return out;
  }

  // the weights' layout: input weights [hidden x FEATURES] row by row, hidden biases, output weights, output bias
  private int hiddenBias(int h) {
    return hidden * FEATURES + h;
  }

  private int outputWeight(int h) {
    return hidden * (FEATURES + 1) + h;
  }

  private int outputBias() {
    return hidden * (FEATURES + 2);
  }

  @Override
  public String name() {
    return "update-network";
  }

  @Override
  public String describe() {
    return "by a learned update network (" + FEATURES + "-" + hidden + "-1, steps scaled by " + learningRate + ")";
  }
}
