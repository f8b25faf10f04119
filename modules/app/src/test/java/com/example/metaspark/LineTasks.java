package com.example.metaspark;

import io.metaspark.app.config.Key;
import io.metaspark.app.config.TaskSettings;
import io.metaspark.app.config.Values;
import io.metaspark.core.task.Examples;
import io.metaspark.core.task.SupervisedTaskFamily;
import io.metaspark.core.task.TaskData;
import io.metaspark.core.task.TaskDescriptor;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Regression on lines y = a x + b, a and b drawn per task from the ranges its keys give. Lines are
 * generated, so every part of the data is the same distribution. A task's examples are a pure
 * function of its descriptor.
 */
public record LineTasks(int support, int query, List<Double> slope, List<Double> intercept)
    implements SupervisedTaskFamily {
  static final Key<List<Double>> SLOPE = Key.range("tasks.line.slope", -2, 2,
      "the range a task's slope is drawn from");
  static final Key<List<Double>> INTERCEPT = Key.range("tasks.line.intercept", -1, 1,
      "the range a task's intercept is drawn from");

  /** Its keys, under {@code tasks.line}: what the config reads when it selects {@code tasks.family = line}. */
  static final List<Key<?>> KEYS = List.of(SLOPE, INTERCEPT);

  /** The family the config describes (the same for every part of the data). */
  static LineTasks of(Values values) {
    return new LineTasks(values.get(TaskSettings.SUPPORT), values.get(TaskSettings.QUERY), values.get(SLOPE),
        values.get(INTERCEPT));
  }

  @Override
  public TaskData sample(TaskDescriptor descriptor, DataType dataType) {
    SplittableRandom random = new SplittableRandom(descriptor.seed());
    double a = draw(random, slope);
    double b = draw(random, intercept);
    return new TaskData(descriptor, points(random, a, b, support, dataType), points(random, a, b, query, dataType));
  }

  private static Examples points(SplittableRandom random, double a, double b, int n, DataType dataType) {
    double[] x = new double[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = 10 * random.nextDouble() - 5;
      y[i] = a * x[i] + b;
    }
    return new Examples(Nd4j.create(x, new long[] {n, 1}, DataType.DOUBLE).castTo(dataType),
        Nd4j.create(y, new long[] {n, 1}, DataType.DOUBLE).castTo(dataType));
  }

  private static double draw(SplittableRandom random, List<Double> range) {
    return range.get(0) + (range.get(1) - range.get(0)) * random.nextDouble();
  }

  @Override
  public String describe() {
    return "lines (K=" + support + ", Q=" + query + ", slope " + slope + ", intercept " + intercept + ")";
  }
}
