package io.metaspark.core.optim;

/** An outer optimizer's whole state as plain values, so a checkpoint can store and restore it exactly. */
public sealed interface OptimizerState permits Sgd.State, Adam.State {
  /** Updates applied so far. */
  long step();
}
