package io.metaspark.core.algo;

import io.metaspark.core.model.CentralDifference;
import io.metaspark.core.model.Learner;
import io.metaspark.core.task.Examples;
import java.io.Serializable;
import java.util.Locale;

/**
 * How second-order MAML multiplies a vector by the support loss's Hessian: with the learner's own
 * product where it is exact ({@link Learner#exactHessian}: the fast dense and convolutional paths),
 * by a central difference of gradients with the configured step where it is not (networks on DL4J's
 * own layers), or by the central difference everywhere when asked, to compare with the old
 * arithmetic.
 */
public final class HessianVectorProduct implements Serializable {
  /** What a learner's products are computed with. */
  public enum Method {
    /** Pearlmutter's R-operator: the Hessian autograd and the MAML papers use. */
    EXACT("exact"),
    /** (g(theta + e v) - g(theta - e v)) / 2e: wrong where the step crosses a ReLU or pooling kink. */
    CENTRAL_DIFFERENCE("central-difference");

    private final String key;

    Method(String key) {
      this.key = key;
    }

    /** The name in configs and in model.json. */
    public String key() {
      return key;
    }
  }

  private final boolean exactWhereAvailable;
  private final CentralDifference centralDifference;

  private HessianVectorProduct(boolean exactWhereAvailable, double relativeStep) {
    this.exactWhereAvailable = exactWhereAvailable;
    this.centralDifference = new CentralDifference(relativeStep);
  }

  /**
   * Exact where the learner has it, else a central difference with step {@code relativeStep}
   * relative to (1 + |theta|) (0: the cube root of the learner's unit roundoff).
   */
  public static HessianVectorProduct exactWhereAvailable(double relativeStep) {
    return new HessianVectorProduct(true, relativeStep);
  }

  /** Always the central difference, even where an exact product exists. */
  public static HessianVectorProduct centralDifference(double relativeStep) {
    return new HessianVectorProduct(false, relativeStep);
  }

  /** "auto" (exact where available) or "central-difference", as the config names them. */
  public static HessianVectorProduct named(String name, double relativeStep) {
    return switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "auto" -> exactWhereAvailable(relativeStep);
      case "central-difference" -> centralDifference(relativeStep);
      default -> throw new IllegalArgumentException(
          "unknown Hessian-vector product '" + name + "'; expected auto or central-difference");
    };
  }

  /** The method products on {@code learner} are computed with. */
  public Method methodFor(Learner learner) {
    return exactWhereAvailable && learner.exactHessian() ? Method.EXACT : Method.CENTRAL_DIFFERENCE;
  }

  /** Writes H(theta) v into {@code out}, H the Hessian of the mean loss on {@code examples}. */
  public void apply(Learner learner, double[] theta, Examples examples, double[] v, double[] out) {
    if (methodFor(learner) == Method.EXACT) {
      learner.hessianVectorProduct(theta, examples, v, out);
    } else {
      centralDifference.apply(learner, theta, examples, v, out);
    }
  }
}
