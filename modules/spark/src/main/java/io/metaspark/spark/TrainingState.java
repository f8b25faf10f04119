package io.metaspark.spark;

import io.metaspark.core.optim.OptimizerState;
import java.io.Serializable;

/**
 * Everything a run needs to continue: the next iteration to run, the meta-parameters and the
 * outer optimizer's state. Task sampling is a pure function of (seed, iteration, index), so no
 * random-generator state is needed beyond the iteration.
 */
public record TrainingState(long nextIteration, double[] params, OptimizerState optimizerState)
    implements Serializable {}
