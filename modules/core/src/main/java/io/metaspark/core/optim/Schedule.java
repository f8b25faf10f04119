package io.metaspark.core.optim;

import java.io.Serializable;

/**
 * A learning-rate schedule as a factor of the learning rate: {@code multiplier(t)} is what the
 * t-th update (counted from 0) is scaled by. Applied as a transformation, {@link ScaleBySchedule},
 * after the optimizer, whose updates are linear in its learning rate.
 */
public interface Schedule extends Serializable {
  double multiplier(long count);

  /** For people: e.g. "cosine annealing to 0.0 x lr over 1000 updates". */
  String describe();
}
