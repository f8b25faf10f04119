package io.metaspark.app.builtin;

import io.metaspark.app.config.Key;
import io.metaspark.app.config.Locations;
import io.metaspark.app.config.TaskFamilyType;
import io.metaspark.app.config.TaskSettings;
import io.metaspark.app.config.Values;
import io.metaspark.core.task.SinusoidTaskFamily;
import io.metaspark.core.task.TaskFamily;
import io.metaspark.core.task.image.ClassSplit;
import java.util.List;

/** {@code sinusoid}: Finn et al.'s regression tasks, y = A sin(x - phase), every task fresh. */
final class SinusoidTasks implements TaskFamilyType {
  static final Key<List<Double>> AMPLITUDE = range("tasks.sinusoid.amplitude", 0.1, 5.0, "the amplitude A's range");
  static final Key<List<Double>> PHASE = range("tasks.sinusoid.phase", 0.0, Math.PI, "the phase's range");
  static final Key<List<Double>> X = range("tasks.sinusoid.x", -5.0, 5.0, "the inputs' range");

  private static Key<List<Double>> range(String path, double low, double high, String doc) {
    return Key.numbers(path, List.of(low, high), doc + ", [low, high]").check((p, bounds) ->
        bounds.size() == 2 && bounds.get(0) <= bounds.get(1) ? null
            : p + " must be [low, high] with low <= high, got " + bounds);
  }

  @Override
  public String name() {
    return "sinusoid";
  }

  @Override
  public List<Key<?>> keys() {
    return List.of(AMPLITUDE, PHASE, X);
  }

  @Override
  public TaskFamily create(ClassSplit.Part part, Values values, Locations locations) {
    return new SinusoidTaskFamily(values.get(TaskSettings.SUPPORT), values.get(TaskSettings.QUERY),
        range(values.get(AMPLITUDE)), range(values.get(PHASE)), range(values.get(X)));
  }

  private static SinusoidTaskFamily.Range range(List<Double> bounds) {
    return new SinusoidTaskFamily.Range(bounds.get(0), bounds.get(1));
  }
}
