package io.metaspark.core.optim;

import java.io.Serializable;

/**
 * What a line-searched outer step did, for the training log (rllab logs the same of TRPO: LossBefore,
 * LossAfter, MeanKL): the surrogate loss at the current parameters and at the last trial, that
 * trial's mean KL from the current policy against its bound, how many trials were made of how many
 * allowed, and whether the last one was taken. A rejected step keeps the parameters where they are.
 */
public record LineSearch(double surrogateBefore, double surrogateAfter, double kl, double klBound, int trials,
    int maxTrials, boolean accepted) implements Serializable {}
