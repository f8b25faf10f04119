package io.metaspark.core.algo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.core.model.Dl4jLearner;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.model.NoiseImages;
import io.metaspark.core.model.TinyNetworks;
import io.metaspark.core.optim.Adam;
import io.metaspark.core.optim.OptimizerState;
import io.metaspark.core.optim.Update;
import io.metaspark.core.task.TaskData;
import io.metaspark.core.task.TaskDescriptor;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/** Meta-learning through batch norm: the exact meta-gradient, and running statistics left alone. */
class BatchNormMetaLearningTest {
  private static final ModelSpec SPEC = TinyNetworks.batchNormConv4();

  private static TaskData task(long seed) {
    // 3-way 1-shot, 2 queries per class: the support batch is 3 images, the query batch 6
    return NoiseImages.episodes(16, 3, 2).sample(new TaskDescriptor(0, 0, seed), DataType.DOUBLE);
  }

  @Test
  void mamlMetaGradientMatchesCentralDifferencesOfTheMetaObjective() {
    Dl4jLearner learner = SPEC.newDl4jLearner();
    TaskData task = task(21);
    double[] theta = SPEC.initialParams();
    for (int steps : new int[] {1, 2}) {
      Adaptation inner = new Adaptation(new ScalarSgd(0.4), steps);
      double[] analytic = new Maml(inner, HessianVectorProduct.exactWhereAvailable(0)).compute(learner, theta, task, false)
          .metaGradient();
      double[] numeric = MetaObjective.centralDifferences(learner, inner, theta, task, 1e-6);
      double err = MetaObjective.relativeError(analytic, numeric);
      assertTrue(err < 1e-4, steps + " inner steps: relative error " + err);
      double[] firstOrder = new FirstOrderMaml(inner).compute(learner, theta, task, false).metaGradient();
      assertTrue(MetaObjective.relativeError(firstOrder, numeric) > 100 * err, "FOMAML should not match as well");
    }
  }

  @Test
  void runningStatisticsStayWhatTheInitGaveThroughAdaptationAndMetaUpdates() {
    Dl4jLearner learner = SPEC.newDl4jLearner();
    int[] stats = learner.runningStatistics();
    double[] theta = SPEC.initialParams();
    Adaptation inner = new Adaptation(new ScalarSgd(0.4), 3);
    double[] adapted = inner.adapt(learner, theta, task(1).support());
    for (int i : stats) {
      assertEquals(theta[i], adapted[i], 0.0, "adapted running statistic " + i);
    }
    assertNotEquals(theta[0], adapted[0], "the weights do adapt");
    Adam adam = Adam.withDefaults(0.001);
    for (MetaAlgorithm algorithm : new MetaAlgorithm[] {new Maml(inner, HessianVectorProduct.exactWhereAvailable(0)),
        new FirstOrderMaml(inner), new Reptile(inner)}) {
      double[] current = theta.clone();
      OptimizerState state = adam.init(current);
      for (int iteration = 0; iteration < 3; iteration++) {
        double[] metaGradient = algorithm.compute(learner, current, task(100 + iteration), false).metaGradient();
        for (int i : stats) {
          assertEquals(0.0, metaGradient[i], algorithm.name() + " meta-gradient entry " + i);
        }
        Update update = adam.update(metaGradient, state, current);
        update.applyTo(current);
        state = update.state();
      }
      for (int i : stats) {
        assertEquals(theta[i], current[i], 0.0, algorithm.name() + ": running statistic " + i);
      }
    }
  }
}
