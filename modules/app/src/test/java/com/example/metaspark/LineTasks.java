package com.example.metaspark;

import io.metaspark.app.config.Key;
import io.metaspark.app.config.Locations;
import io.metaspark.app.config.TaskFamilyType;
import io.metaspark.app.config.TaskSettings;
import io.metaspark.app.config.Values;
import io.metaspark.core.task.Examples;
import io.metaspark.core.task.SupervisedTaskFamily;
import io.metaspark.core.task.TaskData;
import io.metaspark.core.task.TaskDescriptor;
import io.metaspark.core.task.TaskFamily;
import io.metaspark.core.task.image.ClassSplit;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** {@code tasks.family = line}: regression on y = a x + b, a and b drawn per task from the ranges below. */
public final class LineTasks implements TaskFamilyType {
  static final Key<List<Double>> SLOPE = range("tasks.line.slope", -2, 2, "the range a task's slope a is drawn from");
  static final Key<List<Double>> INTERCEPT = range("tasks.line.intercept", -1, 1, "the range of its intercept b");

  private static Key<List<Double>> range(String path, double low, double high, String doc) {
    return Key.numbers(path, List.of(low, high), doc).check((p, r) ->
        r.size() == 2 && r.get(0) <= r.get(1) ? null : p + " must be [low, high] with low <= high, got " + r);
  }

  @Override
  public String name() {
    return "line";
  }

  @Override
  public List<Key<?>> keys() {
    return List.of(SLOPE, INTERCEPT);
  }

  /** Lines are generated, so every part of the data is the same distribution. */
  @Override
  public TaskFamily create(ClassSplit.Part part, Values values, Locations locations) {
    return new Family(values.get(TaskSettings.SUPPORT), values.get(TaskSettings.QUERY), values.get(SLOPE),
        values.get(INTERCEPT));
  }

  /** What runs on the executors: a task's examples are a pure function of its descriptor. */
  record Family(int support, int query, List<Double> slope, List<Double> intercept) implements SupervisedTaskFamily {
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
}
