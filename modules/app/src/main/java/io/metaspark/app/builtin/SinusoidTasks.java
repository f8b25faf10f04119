package io.metaspark.app.builtin;

import io.metaspark.app.config.Key;
import io.metaspark.app.config.TaskFamilyType;
import io.metaspark.app.config.TaskSettings;
import io.metaspark.core.task.SinusoidTaskFamily;
import java.util.List;

/** {@code sinusoid}: Finn et al.'s regression tasks, y = A sin(x - phase), every task fresh. */
final class SinusoidTasks {
  static final Key<List<Double>> AMPLITUDE = Key.range("tasks.sinusoid.amplitude", 0.1, 5.0,
      "the range a task's amplitude A is drawn from");
  static final Key<List<Double>> PHASE = Key.range("tasks.sinusoid.phase", 0.0, Math.PI,
      "the range a task's phase is drawn from");
  static final Key<List<Double>> X = Key.range("tasks.sinusoid.x", -5.0, 5.0, "the range the inputs x are drawn from");

  static final TaskFamilyType ENTRY = TaskFamilyType.of("sinusoid", List.of(AMPLITUDE, PHASE, X),
      (part, values, locations) -> new SinusoidTaskFamily(values.get(TaskSettings.SUPPORT),
          values.get(TaskSettings.QUERY), range(values.get(AMPLITUDE)), range(values.get(PHASE)), range(values.get(X))));

  private SinusoidTasks() {}

  private static SinusoidTaskFamily.Range range(List<Double> bounds) {
    return new SinusoidTaskFamily.Range(bounds.get(0), bounds.get(1));
  }
}
