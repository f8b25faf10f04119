package io.metaspark.core.optim;

import java.io.Serializable;

/**
 * An outer optimizer's whole state as plain values, so a checkpoint can store and restore it
 * exactly, and a barrier task can start a segment from it.
 */
public sealed interface OptimizerState extends Serializable permits Sgd.State, Adam.State {
  /** Updates applied so far. */
  long step();
}
