package io.metaspark.core.model;

import java.util.Locale;

/** Which implementation evaluates a model: the fastest exact one, or DL4J itself. */
public enum LearnerChoice {
  /** {@link DenseLearner} when it reproduces the configuration exactly, DL4J otherwise. */
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
