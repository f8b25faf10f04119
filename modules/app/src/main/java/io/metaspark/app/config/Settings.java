package io.metaspark.app.config;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A job's settings, typed, each section a record, read and checked once from the config: every
 * value's type and range, the keys of the registry entries it selects, and the checks across keys.
 * What depends on files (the data's locations, a model file) is {@link Job}'s to check.
 */
public final class Settings {
  /** The keys of every section, without the registries' selectors and entries. */
  static final List<Key<?>> SECTION_KEYS = Stream.of(RunSettings.KEYS, CheckpointSettings.KEYS, SparkSettings.KEYS,
      TaskSettings.KEYS, ModelSettings.KEYS, AlgorithmSettings.KEYS, OuterSettings.KEYS, TrainSettings.KEYS,
      ValidateSettings.KEYS, EvaluateSettings.KEYS).flatMap(List::stream).toList();

  private final RunSettings run;
  private final CheckpointSettings checkpoint;
  private final SparkSettings spark;
  private final TaskSettings tasks;
  private final ModelSettings model;
  private final AlgorithmSettings algorithm;
  private final OuterSettings outer;
  private final TrainSettings train;
  private final ValidateSettings validate;
  private final EvaluateSettings evaluate;
  private final Values values;

  private Settings(Values values, Registries registries) {
    this.values = values;
    values.readAll(SECTION_KEYS);
    List<Registered> selected = new ArrayList<>();
    TaskFamilyType family = select(registries.taskFamilies(), values, selected).orElseThrow();
    AlgorithmType algorithmType = select(registries.algorithms(), values, selected).orElseThrow();
    OptimizerType optimizer = select(registries.optimizers(), values, selected).orElseThrow();
    ScheduleType schedule = select(registries.schedules(), values, selected).orElseThrow();
    Optional<ModelPreset> preset = select(registries.modelPresets(), values, selected);
    run = RunSettings.read(values);
    checkpoint = CheckpointSettings.read(values);
    spark = SparkSettings.read(values);
    tasks = new TaskSettings(family, values.get(TaskSettings.SUPPORT), values.get(TaskSettings.QUERY));
    model = ModelSettings.read(values, preset);
    algorithm = new AlgorithmSettings(algorithmType, values.get(AlgorithmSettings.INNER_STEPS),
        values.get(AlgorithmSettings.INNER_LR));
    outer = new OuterSettings(optimizer, values.get(OuterSettings.LR), values.get(OuterSettings.CLIP_NORM), schedule);
    train = TrainSettings.read(values);
    validate = ValidateSettings.read(values);
    evaluate = EvaluateSettings.read(values);
    if (validate.seed() == evaluate.seed()) {
      throw new ConfigError("validate.seed must differ from evaluate.seed (" + validate.seed()
          + "): choosing a model on its test tasks would bias the reported result");
    }
    selected.forEach(entry -> entry.check(values));
  }

  private static <E extends Registered> Optional<E> select(Registry<E> registry, Values values, List<Registered> all) {
    Optional<E> entry = registry.select(values);
    entry.ifPresent(all::add);
    return entry;
  }

  /** The settings {@code config} gives, with the entries of {@code registries}; a bad value is a ConfigError. */
  static Settings parse(Config config, Registries registries) {
    return new Settings(new Values(config), registries);
  }

  public RunSettings run() {
    return run;
  }

  public CheckpointSettings checkpoint() {
    return checkpoint;
  }

  public SparkSettings spark() {
    return spark;
  }

  public TaskSettings tasks() {
    return tasks;
  }

  public ModelSettings model() {
    return model;
  }

  public AlgorithmSettings algorithm() {
    return algorithm;
  }

  public OuterSettings outer() {
    return outer;
  }

  public TrainSettings train() {
    return train;
  }

  public ValidateSettings validate() {
    return validate;
  }

  public EvaluateSettings evaluate() {
    return evaluate;
  }

  /** Every value read, for the registry entries' own keys. */
  public Values values() {
    return values;
  }
}
