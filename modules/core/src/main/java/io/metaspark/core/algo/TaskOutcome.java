package io.metaspark.core.algo;

/**
 * One task's contribution to the outer update.
 *
 * @param metaGradient the direction the outer optimizer descends: the meta-gradient for MAML and
 *     first-order MAML, theta - theta' for Reptile
 * @param queryLossBefore query loss at theta, or NaN when it was not measured
 * @param queryLossAfter query loss after adaptation, or NaN when it was not measured
 */
public record TaskOutcome(double[] metaGradient, double queryLossBefore, double queryLossAfter) {}
