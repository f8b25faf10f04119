package io.metaspark.core.algo;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.core.model.HessianReference;
import io.metaspark.core.model.Learner;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.task.TaskData;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * A meta-gradient against central differences of the meta-objective on a piecewise-linear network,
 * at coordinates where neither probe moves any unit of any inner step or of the query pass across a
 * kink (there a difference measures the gradient's jump, not the derivative).
 */
final class KinkFreeMetaGradient {
  private static final double STEP = 1e-6;

  private KinkFreeMetaGradient() {}

  /**
   * Checks {@code count} coordinates in [from, to) of {@code analytic}, the meta-gradient at
   * {@code meta} of adapting by {@code inner} on {@code task}, each against
   * (F(meta + h e_i) - F(meta - h e_i)) / 2h; returns the relative error over them.
   */
  static double relativeError(ModelSpec spec, Learner learner, Adaptation inner, double[] meta, TaskData task,
      double[] analytic, int from, int to, int count, long seed) {
    MultiLayerNetwork network = spec.newNetwork();
    String pattern = trajectoryPattern(network, learner, inner, meta, task);
    SplittableRandom random = new SplittableRandom(seed);
    double diff = 0;
    double norm = 0;
    int checked = 0;
    int skipped = 0;
    while (checked < count) {
      int i = from + random.nextInt(to - from);
      double[] plus = meta.clone();
      double[] minus = meta.clone();
      plus[i] += STEP;
      minus[i] -= STEP;
      if (!pattern.equals(trajectoryPattern(network, learner, inner, plus, task))
          || !pattern.equals(trajectoryPattern(network, learner, inner, minus, task))) {
        skipped++;
        assertTrue(skipped < count / 2, "most coordinates cross a kink: the check would say little");
        continue;
      }
      double numeric = (MetaObjective.value(learner, inner, plus, task)
          - MetaObjective.value(learner, inner, minus, task)) / (2 * STEP);
      diff += (analytic[i] - numeric) * (analytic[i] - numeric);
      norm += numeric * numeric;
      checked++;
    }
    return Math.sqrt(diff / norm);
  }

  /** The kink pattern of every pass the meta-objective makes: each inner step's support pass, then the query pass. */
  private static String trajectoryPattern(MultiLayerNetwork network, Learner learner, Adaptation inner, double[] meta,
      TaskData task) {
    Trajectory path = inner.trajectory(learner, meta, task.support());
    StringBuilder pattern = new StringBuilder();
    for (int j = 0; j < path.steps(); j++) {
      pattern.append(HessianReference.kinkPattern(network, path.theta(j), task.support().features()));
    }
    return pattern.append(HessianReference.kinkPattern(network, path.adapted(), task.query().features())).toString();
  }
}
