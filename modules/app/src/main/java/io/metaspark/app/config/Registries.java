package io.metaspark.app.config;

import java.util.ArrayList;
import java.util.List;

/**
 * What a config can name: its algorithms, task families, optimizers, learning-rate schedules and
 * model presets, each a {@link Registry}. {@code io.metaspark.app.builtin.BuiltIns} gives the ones
 * metaspark ships; an extension registers its own next to them, before the config is read:
 *
 * <pre>{@code
 * Registries registries = BuiltIns.registries();
 * registries.algorithms().register("mine", List.of(), (adaptation, model, values) -> new MyAlgorithm(adaptation));
 * MetasparkCli.run(registries, args);
 * }</pre>
 */
public final class Registries {
  private final Registry<AlgorithmType> algorithms = new Registry<>(AlgorithmSettings.NAME, null);
  private final Registry<TaskFamilyType> taskFamilies = new Registry<>(TaskSettings.FAMILY, null);
  private final Registry<OptimizerType> optimizers = new Registry<>(OuterSettings.OPTIMIZER, null);
  private final Registry<ScheduleType> schedules = new Registry<>(OuterSettings.SCHEDULE, null);
  private final Registry<ModelPreset> modelPresets = new Registry<>(ModelSettings.PRESET, "json-file or mlp");

  /** Registries with nothing registered. */
  public Registries() {}

  public Registry<AlgorithmType> algorithms() {
    return algorithms;
  }

  public Registry<TaskFamilyType> taskFamilies() {
    return taskFamilies;
  }

  public Registry<OptimizerType> optimizers() {
    return optimizers;
  }

  public Registry<ScheduleType> schedules() {
    return schedules;
  }

  public Registry<ModelPreset> modelPresets() {
    return modelPresets;
  }

  List<Registry<?>> all() {
    return List.of(algorithms, taskFamilies, optimizers, schedules, modelPresets);
  }

  /** Every key a config may set: each section's, each registry's selector, and each entry's own, in that order. */
  public List<Key<?>> keys() {
    List<Key<?>> keys = new ArrayList<>(Settings.SECTION_KEYS);
    for (Registry<?> registry : all()) {
      keys.add(registry.selector());
      registry.entries().forEach(entry -> keys.addAll(entry.keys()));
    }
    return keys;
  }
}
