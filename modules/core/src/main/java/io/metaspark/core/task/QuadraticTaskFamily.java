package io.metaspark.core.task;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The quadratic functions of Andrychowicz et al. (2016), f(theta) = ||W theta - y||^2 with W (d x d)
 * and y (d) drawn i.i.d. standard normal from the task's seed, as a regression task: the rows of W
 * are the examples' features and y their targets, so a linear model without bias and the mean
 * squared error give f / d. There is nothing to generalize to: the support and the query set are
 * the same d examples, and the query loss is the function being minimized.
 */
public final class QuadraticTaskFamily implements SupervisedTaskFamily {
  private final int dimension;

  public QuadraticTaskFamily(int dimension) {
    if (dimension < 1) {
      throw new IllegalArgumentException("a quadratic needs dimension >= 1, got " + dimension);
    }
    this.dimension = dimension;
  }

  @Override
  public TaskData sample(TaskDescriptor descriptor, DataType dataType) {
    SplittableRandom random = new SplittableRandom(descriptor.seed());
    double[] w = new double[dimension * dimension];
    double[] y = new double[dimension];
    for (int i = 0; i < w.length; i++) {
      w[i] = random.nextGaussian();
    }
    for (int i = 0; i < dimension; i++) {
      y[i] = random.nextGaussian();
    }
    Examples examples = new Examples(
        Nd4j.create(w, new long[] {dimension, dimension}, DataType.DOUBLE).castTo(dataType),
        Nd4j.create(y, new long[] {dimension, 1}, DataType.DOUBLE).castTo(dataType));
    return new TaskData(descriptor, examples, examples);
  }

  public int dimension() {
    return dimension;
  }

  @Override
  public String describe() {
    return "quadratic(d=" + dimension + ", ||W theta - y||^2, W and y standard normal)";
  }
}
