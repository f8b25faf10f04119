package io.metaspark.core.algo;

/**
 * MAML++'s per-step batch-norm weights and biases (BNWB; Antoniou, Edwards and Storkey 2019,
 * section 4): the inner loop does not adapt batch norm's scales and shifts (gamma, beta); each inner
 * step uses a set of its own, meta-learned, as the paper's code does (its BN parameters are left out
 * of the inner loop by default, {@code enable_inner_loop_optimizable_bn_params = false}). Another
 * rule ({@code inner}: scalar SGD, or the per-layer per-step rates) adapts everything else.
 *
 * <p>The sets live in the parameters the network computes with: theta_j's batch-norm entries hold
 * set min(j, K - 1), K training's inner steps, so the support pass of step j runs with set j and the
 * query after the K steps with set K - 1, as in the paper's code; an adaptation longer than
 * training's keeps set K - 1 (as the per-step rates keep their last step's). Set 0 is the network's
 * own gamma and beta, so an exported network before adaptation is the plain DL4J network; sets 1 to
 * K - 1 are learned values, after {@code inner}'s, each laid out as {@code positions}, starting
 * where the network's start.
 *
 * <p>Backward through step j: v's batch-norm entries are the loss's gradient with respect to
 * theta_{j+1}'s set: they go to that learned set, or, where theta_{j+1} keeps theta_j's set (the last
 * step), back to theta_j's entries; {@code inner}'s backward pass sees v without them, since its
 * step does not move them.
 */
public final class PerStepBatchNorm implements UpdateRule {
  /** What the rule adds to {@code inner}'s name in model.json's {@code inner_rule}. */
  public static final String NAME_SUFFIX = "+per-step-batch-norm";

  private final UpdateRule inner;
  private final int[] positions;
  private final int steps;

  /**
   * @param positions where batch norm's gamma and beta sit in the network's flat vector
   * @param steps training's inner steps, one set each
   */
  public PerStepBatchNorm(UpdateRule inner, int[] positions, int steps) {
    if (positions.length == 0) {
      throw new IllegalArgumentException("per-step batch-norm weights and biases need a network with batch norm;"
          + " this network has no BatchNormalization layer");
    }
    if (steps < 1) {
      throw new IllegalArgumentException("per-step batch-norm weights and biases need at least one inner step, got "
          + steps);
    }
    this.inner = inner;
    this.positions = positions.clone();
    this.steps = steps;
  }

  @Override
  public int learnedValues() {
    return inner.learnedValues() + (steps - 1) * positions.length;
  }

  /** The sets start as copies of the network's gamma and beta: use {@link #initLearned(double[], double[])}. */
  @Override
  public void initLearned(double[] learned) {
    throw new IllegalStateException("per-step batch norm starts from the network's own gamma and beta;"
        + " initialize it with the network's parameters");
  }

  @Override
  public void initLearned(double[] networkParams, double[] learned) {
    double[] own = new double[inner.learnedValues()];
    inner.initLearned(networkParams, own);
    System.arraycopy(own, 0, learned, 0, own.length);
    for (int set = 1; set < steps; set++) {
      int at = setStart(set);
      for (int p = 0; p < positions.length; p++) {
        learned[at + p] = networkParams[positions[p]];
      }
    }
  }

  @Override
  public int memoryValues(int networkParams) {
    return inner.memoryValues(networkParams);
  }

  @Override
  public void step(int step, double[] learned, double[] theta, double[] gradient) {
    step(step, learned, new double[0], theta, gradient);
  }

  @Override
  public void step(int step, double[] learned, double[] memory, double[] theta, double[] gradient) {
    int next = step + 1;
    double[] kept = next < steps ? null : valuesAt(theta);
    inner.step(step, learned, memory, theta, gradient);
    for (int p = 0; p < positions.length; p++) {
      theta[positions[p]] = kept == null ? learned[setStart(next) + p] : kept[p];
    }
  }

  @Override
  public void backward(int step, double[] learned, double[] theta, double[] gradient, double[] v,
      Curvature curvature, double[] learnedGradient) {
    backward(step, learned, new double[0], theta, gradient, v, curvature, learnedGradient);
  }

  @Override
  public void backward(int step, double[] learned, double[] memory, double[] theta, double[] gradient, double[] v,
      Curvature curvature, double[] learnedGradient) {
    int next = step + 1;
    double[] toSet = valuesAt(v);
    for (int position : positions) {
      v[position] = 0;
    }
    inner.backward(step, learned, memory, theta, gradient, v, curvature, learnedGradient);
    for (int p = 0; p < positions.length; p++) {
      if (next < steps) {
        learnedGradient[setStart(next) + p] += toSet[p];
      } else {
        v[positions[p]] += toSet[p];
      }
    }
  }

  /** Where set {@code set} (1 to K - 1) starts in the learned values. */
  private int setStart(int set) {
    return inner.learnedValues() + (set - 1) * positions.length;
  }

  private double[] valuesAt(double[] vector) {
    double[] values = new double[positions.length];
    for (int p = 0; p < positions.length; p++) {
      values[p] = vector[positions[p]];
    }
    return values;
  }

  @Override
  public String name() {
    return inner.name() + NAME_SUFFIX;
  }

  @Override
  public double learningRate() {
    return inner.learningRate();
  }

  @Override
  public String describe() {
    return inner.describe() + ", batch norm's gamma and beta a meta-learned set per step";
  }
}
