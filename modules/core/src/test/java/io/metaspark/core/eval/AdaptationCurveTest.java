package io.metaspark.core.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.algo.ScalarSgd;
import io.metaspark.core.model.Learner;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.model.TinyNetworks;
import io.metaspark.core.task.SinusoidTaskFamily;
import io.metaspark.core.task.TaskData;
import io.metaspark.core.task.TaskDescriptor;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

class AdaptationCurveTest {

  @Test
  void lossesAtEachStepCountEqualAdaptingThatManyStepsFromScratch() {
    ModelSpec spec = TinyNetworks.tanhMlp("1-10-1");
    Learner learner = spec.newLearner();
    double[] theta = spec.initialParams();
    TaskData task = SinusoidTaskFamily.mamlProtocol(10, 10).sample(new TaskDescriptor(0, 0, 8), DataType.DOUBLE);
    Adaptation sgd = new Adaptation(new ScalarSgd(0.01), 1);
    double[] losses = new AdaptationCurve(new int[] {10, 0, 1}, sgd).measure(learner, theta, task).losses();
    double[] expected = new double[3];
    int[] steps = {0, 1, 10};
    for (int i = 0; i < 3; i++) {
      expected[i] = learner.loss(sgd.adapt(learner, theta, task.support(), steps[i]), task.query());
    }
    assertArrayEquals(expected, losses, 1e-12);
  }

  @Test
  void meanEstimateUsesTheSampleStandardDeviation() {
    MeanEstimate m = MeanEstimate.of(new double[] {1, 2, 3, 4});
    assertEquals(2.5, m.mean());
    assertEquals(Math.sqrt(5.0 / 3), m.standardDeviation(), 1e-15);
    assertEquals(1.959963984540054 * Math.sqrt(5.0 / 3) / 2, m.halfWidth95(), 1e-15);
  }
}
