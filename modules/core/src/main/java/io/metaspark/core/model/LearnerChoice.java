package io.metaspark.core.model;

import java.util.Locale;

/** Which implementation evaluates a model: the fastest exact one, or DL4J itself. */
public enum LearnerChoice {
  /** {@link DenseLearner} or {@link io.metaspark.core.model.conv.ConvLearner} when one reproduces the configuration, DL4J otherwise. */
  AUTO,
  /** Always DL4J: the reference, and a way to rule the fast path out. */
  DL4J;

  public Learner create(ModelSpec spec) {
    return this == DL4J ? spec.newDl4jLearner() : spec.newLearner();
  }

  public static LearnerChoice named(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown learner '" + name + "'; expected auto or dl4j");
    }
  }
}
