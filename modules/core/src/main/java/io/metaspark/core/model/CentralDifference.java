package io.metaspark.core.model;

import io.metaspark.core.task.Examples;
import java.io.Serializable;

/**
 * H(theta) v by a central difference of gradients: (g(theta + e v) - g(theta - e v)) / 2e.
 *
 * <p>It needs only gradients, so it works for any DL4J network (DL4J cannot differentiate its own
 * backward pass): it is {@link Dl4jLearner}'s product; learners with an exact one
 * ({@link Learner#exactHessian}) use it only when asked to.
 * With the perturbation's norm h = e |v|, the error is at most h^2 / 6 * max |D^3 L| |v| (truncation, from the third derivative along v) plus about
 * u |g| / h (rounding, u the unit roundoff of the network's data type). The default
 * h = u^(1/3) (1 + |theta|) balances the two, u being the precision the learner computes in
 * ({@link Learner#unitRoundoff}): in double u^(1/3) = 6.1e-6 and the product is accurate to about
 * 1e-10 relative; in float (DL4J float networks) u^(1/3) = 4.9e-3, about 1e-4.
 *
 * <p>Piecewise-linear activations (ReLU, max pooling) break it: when the perturbation moves a
 * pre-activation across its kink, the difference measures the gradient's jump divided by 2e, not
 * the Hessian. Per product that is rare, but a meta-batch makes hundreds of (example, unit) pairs
 * per support set, so on real training some task crosses a kink in most iterations and the
 * meta-gradient spikes 50-1,000x; a smaller step makes crossings rarer and the spikes larger.
 */
public final class CentralDifference implements Serializable {
  private final double relativeStep;

  /** @param relativeStep h / (1 + |theta|); 0 or less picks u^(1/3) for the network's data type */
  public CentralDifference(double relativeStep) {
    this.relativeStep = relativeStep;
  }

  /** The cube root of the unit roundoff of the arithmetic the learner computes in. */
  public static double defaultRelativeStep(Learner learner) {
    return Math.cbrt(learner.unitRoundoff());
  }

  /** Writes H(theta) v into {@code out}. */
  public void apply(Learner learner, double[] theta, Examples examples, double[] v, double[] out) {
    double vNorm = norm(v);
    if (vNorm == 0) {
      java.util.Arrays.fill(out, 0);
      return;
    }
    double rel = relativeStep > 0 ? relativeStep : defaultRelativeStep(learner);
    double e = rel * (1 + norm(theta)) / vNorm;
    double[] probe = new double[theta.length];
    double[] minus = new double[theta.length];
    step(theta, e, v, probe);
    learner.lossAndGradient(probe, examples, out);
    step(theta, -e, v, probe);
    learner.lossAndGradient(probe, examples, minus);
    double inv = 1 / (2 * e);
    for (int i = 0; i < out.length; i++) {
      out[i] = (out[i] - minus[i]) * inv;
    }
  }

  /** out = x + a * d */
  private static void step(double[] x, double a, double[] d, double[] out) {
    for (int i = 0; i < out.length; i++) {
      out[i] = x[i] + a * d[i];
    }
  }

  private static double norm(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v * v;
    }
    return Math.sqrt(s);
  }
}
