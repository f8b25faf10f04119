package io.metaspark.app.config;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A job's settings, typed, each section a record, read and checked once from the config
 * ({@link #parse}): every value's type and range, the keys of the registry entries it selects, and
 * the checks across keys. What depends on files (the data's locations, a model file) is
 * {@link Job}'s to check.
 *
 * @param values every value read, for the registry entries' own keys
 */
public record Settings(RunSettings run, CheckpointSettings checkpoint, SparkSettings spark, TaskSettings tasks,
    ModelSettings model, AlgorithmSettings algorithm, OuterSettings outer, TrainSettings train,
    ValidateSettings validate, EvaluateSettings evaluate, Values values) {
  /** The keys of every section, without the registries' selectors and entries. */
  static final List<Key<?>> SECTION_KEYS = Stream.of(RunSettings.KEYS, CheckpointSettings.KEYS, SparkSettings.KEYS,
      TaskSettings.KEYS, ModelSettings.KEYS, AlgorithmSettings.KEYS, OuterSettings.KEYS, TrainSettings.KEYS,
      ValidateSettings.KEYS, EvaluateSettings.KEYS).flatMap(List::stream).toList();

  /** The settings {@code config} gives, with the entries of {@code registries}; a bad value is a ConfigError. */
  static Settings parse(Config config, Registries registries) {
    Values values = new Values(config);
    values.readAll(SECTION_KEYS);
    List<Registered> selected = new ArrayList<>();
    TaskFamilyType family = select(registries.taskFamilies(), values, selected).orElseThrow();
    AlgorithmType algorithm = select(registries.algorithms(), values, selected).orElseThrow();
    OptimizerType optimizer = select(registries.optimizers(), values, selected).orElseThrow();
    ScheduleType schedule = select(registries.schedules(), values, selected).orElseThrow();
    Optional<ModelPreset> preset = select(registries.modelPresets(), values, selected);
    Settings settings = new Settings(RunSettings.read(values), CheckpointSettings.read(values),
        SparkSettings.read(values),
        new TaskSettings(family, values.get(TaskSettings.SUPPORT), values.get(TaskSettings.QUERY)),
        ModelSettings.read(values, preset),
        new AlgorithmSettings(algorithm, values.get(AlgorithmSettings.INNER_STEPS),
            values.get(AlgorithmSettings.INNER_LR)),
        new OuterSettings(optimizer, values.get(OuterSettings.LR), values.get(OuterSettings.CLIP_NORM), schedule),
        TrainSettings.read(values), ValidateSettings.read(values), EvaluateSettings.read(values), values);
    if (settings.validate().seed() == settings.evaluate().seed()) {
      throw new ConfigError("validate.seed must differ from evaluate.seed (" + settings.validate().seed()
          + "): choosing a model on its test tasks would bias the reported result");
    }
    selected.forEach(entry -> entry.check(values));
    return settings;
  }

  private static <E extends Registered> Optional<E> select(Registry<E> registry, Values values, List<Registered> all) {
    Optional<E> entry = registry.select(values);
    entry.ifPresent(all::add);
    return entry;
  }
}
