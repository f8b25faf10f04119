package io.metaspark.app.builtin;

import io.metaspark.app.config.Registries;

/** The algorithms, task families, optimizers, schedules and model presets metaspark ships, registered as an extension's are. */
public final class BuiltIns {
  private BuiltIns() {}

  /** Fresh registries holding the built-ins, in the order error messages list them. */
  public static Registries registries() {
    Registries registries = new Registries();
    registries.algorithms().register(new MamlAlgorithm()).register(new FirstOrderMamlAlgorithm())
        .register(new ReptileAlgorithm());
    registries.taskFamilies().register(new SinusoidTasks()).register(new ImageTasks()).register(new TableTasks());
    registries.optimizers().register(new AdamOptimizer()).register(new SgdOptimizer());
    registries.schedules().register(new ConstantSchedule()).register(new CosineSchedule());
    registries.modelPresets().register(new Conv4Preset());
    return registries;
  }
}
