package io.metaspark.app.builtin;

import io.metaspark.app.config.Key;
import io.metaspark.app.config.Locations;
import io.metaspark.app.config.TaskSettings;
import io.metaspark.app.config.Values;
import io.metaspark.core.task.SinusoidTaskFamily;
import io.metaspark.core.task.TaskFamily;
import io.metaspark.core.task.image.ClassSplit;
import java.util.List;

/** {@code sinusoid}: Finn et al.'s regression tasks, y = A sin(x - phase), every task fresh. */
final class SinusoidTasks {
  static final Key<List<Double>> AMPLITUDE = Key.range("tasks.sinusoid.amplitude", 0.1, 5.0,
      "the range a task's amplitude A is drawn from");
  static final Key<List<Double>> PHASE = Key.range("tasks.sinusoid.phase", 0.0, Math.PI,
      "the range a task's phase is drawn from");
  static final Key<List<Double>> X = Key.range("tasks.sinusoid.x", -5.0, 5.0, "the range the inputs x are drawn from");

  static final List<Key<?>> KEYS = List.of(AMPLITUDE, PHASE, X);

  private SinusoidTasks() {}

  /** Sinusoids have no parts: every task is fresh. */
  static TaskFamily create(ClassSplit.Part part, Values values, Locations locations) {
    return new SinusoidTaskFamily(values.get(TaskSettings.SUPPORT), values.get(TaskSettings.QUERY),
        range(values.get(AMPLITUDE)), range(values.get(PHASE)), range(values.get(X)));
  }

  private static SinusoidTaskFamily.Range range(List<Double> bounds) {
    return new SinusoidTaskFamily.Range(bounds.get(0), bounds.get(1));
  }
}
