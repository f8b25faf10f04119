package io.metaspark.core.algo;

/**
 * Adaptation by Adam (Kingma and Ba 2015, beta1 0.9, beta2 0.999, epsilon 1e-8) at a fixed rate,
 * its moments the adaptation's memory: the hand-designed optimizer a learned update rule is compared
 * with ({@code evaluate --rule adam}). Nothing is learned and no algorithm backpropagates through it.
 */
public record AdamSteps(double learningRate) implements UpdateRule {
  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double EPSILON = 1e-8;

  public AdamSteps {
    if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
      throw new IllegalArgumentException("Adam's learning rate must be a positive number, got " + learningRate);
    }
  }

  /** The first moments, then the second. */
  @Override
  public int memoryValues(int networkParams) {
    return 2 * networkParams;
  }

  @Override
  public void step(int step, double[] learned, double[] memory, double[] theta, double[] gradient) {
    int n = theta.length;
    double firstCorrection = 1 - Math.pow(BETA1, step + 1);
    double secondCorrection = 1 - Math.pow(BETA2, step + 1);
    for (int i = 0; i < n; i++) {
      memory[i] = BETA1 * memory[i] + (1 - BETA1) * gradient[i];
      memory[n + i] = BETA2 * memory[n + i] + (1 - BETA2) * gradient[i] * gradient[i];
      theta[i] -= learningRate * (memory[i] / firstCorrection) / (Math.sqrt(memory[n + i] / secondCorrection) + EPSILON);
    }
  }

  @Override
  public void step(int step, double[] learned, double[] theta, double[] gradient) {
    throw new IllegalStateException("Adam keeps moments: step it with its memory");
  }

  @Override
  public void backward(int step, double[] learned, double[] theta, double[] gradient, double[] v,
      Curvature curvature, double[] learnedGradient) {
    throw new UnsupportedOperationException("no algorithm meta-trains through Adam steps; they are for comparison");
  }

  @Override
  public String name() {
    return "adam";
  }

  @Override
  public String describe() {
    return "by Adam at lr " + learningRate;
  }
}
