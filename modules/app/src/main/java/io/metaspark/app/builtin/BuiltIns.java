package io.metaspark.app.builtin;

import io.metaspark.app.config.AlgorithmType;
import io.metaspark.app.config.OptimizerType;
import io.metaspark.app.config.Registries;
import io.metaspark.app.config.ScheduleType;
import io.metaspark.core.algo.FirstOrderMaml;
import io.metaspark.core.algo.Reptile;
import io.metaspark.core.optim.Sgd;
import java.util.List;
import java.util.Optional;

/** The algorithms, task families, optimizers, schedules and model presets metaspark ships, registered as an extension's are. */
public final class BuiltIns {
  private BuiltIns() {}

  /** Fresh registries holding the built-ins, in the order error messages list them. */
  public static Registries registries() {
    Registries registries = new Registries();
    registries.algorithms().register(MamlAlgorithm.ENTRY)
        .register(AlgorithmType.of("fomaml", List.of(), (adaptation, values) -> new FirstOrderMaml(adaptation)))
        .register(AlgorithmType.of("reptile", List.of(), (adaptation, values) -> new Reptile(adaptation)));
    registries.taskFamilies().register(SinusoidTasks.ENTRY).register(new ImageTasks()).register(new TableTasks());
    registries.optimizers().register(AdamOptimizer.ENTRY)
        .register(OptimizerType.of("sgd", List.of(), (lr, values) -> new Sgd(lr)));
    // constant: nothing is chained after the optimizer
    registries.schedules().register(ScheduleType.of("constant", List.of(), values -> Optional.empty()))
        .register(CosineSchedule.ENTRY);
    registries.modelPresets().register(new Conv4Preset());
    return registries;
  }
}
