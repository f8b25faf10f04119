package io.metaspark.app.builtin;

import io.metaspark.app.config.Registries;
import io.metaspark.core.algo.Anil;
import io.metaspark.core.algo.FirstOrderMaml;
import io.metaspark.core.algo.Reptile;
import io.metaspark.core.model.HeadSplit;
import io.metaspark.core.optim.Sgd;
import java.util.List;
import java.util.Optional;

/**
 * The algorithms, task families, optimizers, schedules and model presets metaspark ships,
 * registered as an extension's are.
 */
public final class BuiltIns {
  private BuiltIns() {}

  /** Fresh registries holding the built-ins, in the order error messages list them. */
  public static Registries registries() {
    Registries registries = new Registries();
    registries.algorithms().register("maml", MamlAlgorithm.KEYS, MamlAlgorithm::create)
        .register("fomaml", List.of(), (adaptation, model, values) -> new FirstOrderMaml(adaptation))
        .register("reptile", List.of(), (adaptation, model, values) -> new Reptile(adaptation))
        .register("protonet", List.of(), new ProtoNetAlgorithm())
        .register("meta-sgd", MetaSgdAlgorithm.KEYS, MetaSgdAlgorithm::create)
        .register("maml-plus-plus", MamlPlusPlusAlgorithm.KEYS, MamlPlusPlusAlgorithm::create)
        // the head is the network's last layer; a network without one is refused, saying why
        .register("anil", List.of(), (adaptation, model, values) -> new Anil(HeadSplit.of(model),
            adaptation.rule().learningRate(), adaptation.steps()))
        .register("learned-optimizer", LearnedOptimizerAlgorithm.KEYS, new LearnedOptimizerAlgorithm())
        .register("maml-rl", MamlRlAlgorithm.KEYS, MamlRlAlgorithm::secondOrder)
        .register("fomaml-rl", MamlRlAlgorithm.KEYS, MamlRlAlgorithm::firstOrder)
        .register("reptile-rl", MamlRlAlgorithm.KEYS, MamlRlAlgorithm::reptile);
    registries.taskFamilies().register("sinusoid", SinusoidTasks.KEYS, SinusoidTasks::create)
        .register(ImageTasks.NAME, ImageTasks.KEYS, new ImageTasks())
        .register("table", TableTasks.KEYS, new TableTasks())
        .register("quadratic", QuadraticTasks.KEYS, new QuadraticTasks())
        .register(EnvironmentTasks.NAVIGATION, EnvironmentTasks.NAVIGATION_KEYS, new EnvironmentTasks())
        .register(EnvironmentTasks.BANDIT, EnvironmentTasks.BANDIT_KEYS, new EnvironmentTasks());
    registries.optimizers().register("adam", AdamOptimizer.KEYS, AdamOptimizer::create)
        .register("sgd", List.of(), (lr, values) -> new Sgd(lr))
        .register("trpo", TrpoOptimizer.KEYS, new TrpoOptimizer());
    // constant: nothing is chained after the optimizer
    registries.schedules().register("constant", List.of(), values -> Optional.empty())
        .register("cosine", CosineSchedule.KEYS, CosineSchedule::create)
        .register("step", StepSchedule.KEYS, StepSchedule::create);
    registries.modelPresets().register("conv4", Conv4Preset.KEYS, new Conv4Preset());
    return registries;
  }
}
