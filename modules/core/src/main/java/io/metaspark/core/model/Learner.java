package io.metaspark.core.model;

import io.metaspark.core.task.Examples;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A differentiable model evaluated at a parameter vector the caller owns: the functional view the
 * meta-learning algorithms need (learn2learn's {@code clone}/{@code adapt}/{@code loss} become plain
 * vectors in, numbers out). Losses and gradients are means over the examples.
 *
 * <p>Entries of the parameter vector that are not weights (batch norm's running statistics, which
 * DL4J keeps in the same vector) get a gradient of exactly zero, so every algorithm leaves them as
 * they were.
 *
 * <p>Not thread-safe: keep one per thread and reuse it.
 */
public interface Learner {
  int numParams();

  /** The data type examples must be created in. */
  DataType dataType();

  /**
   * The unit roundoff of the arithmetic the learner computes in, which sets how small a finite
   * difference can usefully be. By default that of {@link #dataType()}.
   */
  default double unitRoundoff() {
    return switch (dataType()) {
      case DOUBLE -> Math.ulp(1.0) / 2;
      case FLOAT -> Math.ulp(1.0f) / 2;
      default -> Math.pow(2, -11);
    };
  }

  /** Mean loss of the model with {@code params} on {@code examples}. */
  double loss(double[] params, Examples examples);

  /**
   * The model's outputs [n, outputs] for {@code features} at {@code params}, computed as the loss is:
   * in inference mode, except that batch normalization uses the statistics of {@code features}
   * itself (transductive), so such a model's outputs depend on which examples come together.
   */
  INDArray outputs(double[] params, INDArray features);

  /** Mean loss, and its gradient with respect to the parameters written into {@code gradientOut}. */
  double lossAndGradient(double[] params, Examples examples, double[] gradientOut);
}
