package io.metaspark.core.model;

import io.metaspark.core.model.conv.ConvolutionRoute;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Which implementation evaluates a model: the fastest exact one, or DL4J itself. */
public enum LearnerChoice {
  /**
   * {@link DenseLearner} or {@link io.metaspark.core.model.conv.ConvLearner} when one reproduces the
   * configuration, DL4J otherwise; a float network's convolutions through oneDNN's primitives; for
   * an algorithm that asks no Hessian-vector products, {@link #ONEDNN_FLOAT} ({@link #resolvedFor}).
   */
  AUTO,
  /**
   * As {@link #AUTO}, but a float network's convolutions through libnd4j's ops, a grey image's first
   * one in Java: the arithmetic of runs made before oneDNN's route became the default (2026-11-26, night).
   */
  LIBND4J,
  /**
   * As {@link #AUTO}, but every convolution through libnd4j's native op, the first one included:
   * the arithmetic of runs made before the first convolution ran in Java, to reproduce them bit for bit.
   */
  NATIVE_CONVOLUTIONS,
  /** Always DL4J: the reference, and a way to rule the fast path out. */
  DL4J,
  /**
   * As {@link #AUTO}, but a float network whose body is [convolution, batch norm, ReLU] blocks
   * (conv4 with strides) runs it in oneDNN alone, in float on oneDNN's layouts, as the PyTorch
   * reference does: faster, float arithmetic in batch norm, and no exact Hessian-vector product
   * (an algorithm that needs one takes central differences). Other networks as {@link #ONEDNN}.
   */
  ONEDNN_FLOAT,
  /**
   * As {@link #AUTO} for an algorithm that asks Hessian-vector products, whatever the algorithm: a
   * float network's convolutions through oneDNN, batch norm and ReLU in Java double, exact R-operators.
   */
  ONEDNN;

  /**
   * What this choice means for an algorithm that does ({@code hessianProducts}) or does not ask
   * Hessian-vector products: {@link #AUTO} takes the float route for one that does not, where the
   * exact products it would give up are never used; every other choice is itself.
   */
  public LearnerChoice resolvedFor(boolean hessianProducts) {
    return this == AUTO && !hessianProducts ? ONEDNN_FLOAT : this;
  }

  public Learner create(ModelSpec spec) {
    return this == DL4J ? spec.newDl4jLearner() : spec.newLearner(route());
  }

  /**
   * Which implementation {@link #create} gives for {@code spec} ({@link ModelSpec#learnerImplementation}):
   * what a run records, because what {@link #AUTO} means can change between versions.
   */
  public String implementation(ModelSpec spec) {
    return this == DL4J ? "dl4j" : spec.learnerImplementation(route());
  }

  /**
   * A choice that gives {@code implementation} for {@code spec} under an algorithm that does or does
   * not ask Hessian-vector products ({@link #resolvedFor}), the plainest first; empty if none does.
   */
  public static Optional<LearnerChoice> giving(String implementation, ModelSpec spec, boolean hessianProducts) {
    return Arrays.stream(values())
        .filter(c -> c.resolvedFor(hessianProducts).implementation(spec).equals(implementation)).findFirst();
  }

  private ConvolutionRoute route() {
    return switch (this) {
      case AUTO, ONEDNN -> ConvolutionRoute.ONEDNN;
      case ONEDNN_FLOAT -> ConvolutionRoute.ONEDNN_FLOAT;
      case LIBND4J -> ConvolutionRoute.LIBND4J_JAVA_FIRST;
      // DL4J runs no ConvLearner: its route is never asked
      case NATIVE_CONVOLUTIONS, DL4J -> ConvolutionRoute.LIBND4J;
    };
  }

  /** The name the config uses. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static LearnerChoice named(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown learner '" + name + "'; expected auto, libnd4j, native-convolutions or dl4j");
    }
  }
}
