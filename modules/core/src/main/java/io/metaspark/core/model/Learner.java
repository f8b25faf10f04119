package io.metaspark.core.model;

import io.metaspark.core.task.Examples;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * A differentiable model evaluated at a parameter vector the caller owns: the functional view the
 * meta-learning algorithms need (learn2learn's {@code clone}/{@code adapt}/{@code loss} become plain
 * vectors in, numbers out). Losses and gradients are means over the examples.
 *
 * <p>Not thread-safe: keep one per thread and reuse it.
 */
public interface Learner {
  int numParams();

  /** The data type examples must be created in. */
  DataType dataType();

  /** Mean loss of the model with {@code params} on {@code examples}. */
  double loss(double[] params, Examples examples);

  /** Mean loss, and its gradient with respect to the parameters written into {@code gradientOut}. */
  double lossAndGradient(double[] params, Examples examples, double[] gradientOut);
}
