package io.metaspark.core.model;

import io.metaspark.core.model.conv.ConvolutionRoute;
import java.util.Locale;

/** Which implementation evaluates a model: the fastest exact one, or DL4J itself. */
public enum LearnerChoice {
  /** {@link DenseLearner} or {@link io.metaspark.core.model.conv.ConvLearner} when one reproduces the configuration, DL4J otherwise. */
  AUTO,
  /**
   * As {@link #AUTO}, but every convolution through libnd4j's native op, the first one included:
   * the arithmetic of runs made before the first convolution ran in Java, to reproduce them bit for bit.
   */
  NATIVE_CONVOLUTIONS,
  /**
   * As {@link #AUTO}, but a float network's convolutions through oneDNN's primitives, built once
   * per batch shape: faster, and oneDNN's float rounding.
   */
  ONEDNN,
  /** Always DL4J: the reference, and a way to rule the fast path out. */
  DL4J;

  public Learner create(ModelSpec spec) {
    return switch (this) {
      case AUTO -> spec.newLearner();
      case NATIVE_CONVOLUTIONS -> spec.newLearner(ConvolutionRoute.LIBND4J);
      case ONEDNN -> spec.newLearner(ConvolutionRoute.ONEDNN);
      case DL4J -> spec.newDl4jLearner();
    };
  }

  public static LearnerChoice named(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown learner '" + name + "'; expected auto, native-convolutions, onednn or dl4j");
    }
  }
}
