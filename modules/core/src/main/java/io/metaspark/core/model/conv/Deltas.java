package io.metaspark.core.model.conv;

/**
 * What the R-operator's backward pass hands from stage to stage: the loss's gradient with respect to
 * an activation, and that gradient's derivative along the parameter direction v.
 */
record Deltas(double[] gradient, double[] tangent) {}
