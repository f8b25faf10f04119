package io.metaspark.app.builtin;

import io.metaspark.app.config.AlgorithmSettings;
import io.metaspark.app.config.AlgorithmType;
import io.metaspark.app.config.Check;
import io.metaspark.app.config.ConfigError;
import io.metaspark.app.config.Key;
import io.metaspark.app.config.ModelSettings;
import io.metaspark.app.config.Values;
import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.algo.LearnedOptimizer;
import io.metaspark.core.algo.MetaAlgorithm;
import io.metaspark.core.algo.UpdateNetwork;
import io.metaspark.core.model.ModelSpec;
import java.util.List;

/**
 * {@code learned-optimizer}: a coordinate-wise update network ({@link UpdateNetwork}) meta-learned
 * over the task family, its steps scaled by {@code algorithm.inner-lr}, its weights initialized from
 * {@code model.seed}; the model's initialization is not learned.
 */
final class LearnedOptimizerAlgorithm implements AlgorithmType {
  static final Key<Integer> HIDDEN = Key.integer("algorithm.learned-optimizer.hidden", 20,
      "hidden units of the update network, an MLP over each coordinate's gradient and its running averages")
      .check(Check.atLeast(1));

  static final List<Key<?>> KEYS = List.of(HIDDEN);

  @Override
  public void check(Values values) {
    if (values.get(AlgorithmSettings.INNER_STEPS) < 1) {
      throw new ConfigError("algorithm.name = learned-optimizer learns from the steps it takes: algorithm.inner-steps"
          + " must be >= 1, got " + values.get(AlgorithmSettings.INNER_STEPS));
    }
  }

  @Override
  public MetaAlgorithm create(Adaptation adaptation, ModelSpec model, Values values) {
    UpdateNetwork network = new UpdateNetwork(values.get(HIDDEN), adaptation.rule().learningRate(),
        values.get(ModelSettings.SEED));
    return new LearnedOptimizer(new Adaptation(network, adaptation.steps()));
  }
}
