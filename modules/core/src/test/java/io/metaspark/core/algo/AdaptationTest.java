package io.metaspark.core.algo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.metaspark.core.model.Learner;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.model.TinyNetworks;
import io.metaspark.core.task.Examples;
import io.metaspark.core.task.SinusoidTaskFamily;
import io.metaspark.core.task.Task;
import io.metaspark.core.task.TaskData;
import io.metaspark.core.task.TaskDescriptor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

class AdaptationTest {
  private static final ModelSpec SPEC = TinyNetworks.tanhMlp("1-6-1");
  private static final TaskData TASK =
      SinusoidTaskFamily.mamlProtocol(5, 5).sample(new TaskDescriptor(0, 0, 21), DataType.DOUBLE);

  @Test
  void scalarSgdTakesPlainGradientStepsOnTheSupportSet() {
    Learner learner = SPEC.newLearner();
    double[] theta = SPEC.initialParams();
    double[] byHand = theta.clone();
    double[] g = new double[theta.length];
    for (int s = 0; s < 3; s++) {
      learner.lossAndGradient(byHand, TASK.support(), g);
      for (int i = 0; i < g.length; i++) {
        byHand[i] -= 0.05 * g[i];
      }
    }
    Adaptation adaptation = new Adaptation(new ScalarSgd(0.05), 3);
    assertArrayEquals(byHand, adaptation.adapt(learner, theta, TASK.support()), 1e-15);
    assertArrayEquals(SPEC.initialParams(), theta, 0.0, "the meta-parameters are left alone");
    assertArrayEquals(theta, adaptation.adapt(learner, theta, TASK.support(), 0), 0.0);
  }

  @Test
  void oneRunThroughSeveralStepCountsGivesWhatSeparateRunsGive() {
    Learner learner = SPEC.newLearner();
    double[] theta = SPEC.initialParams();
    Adaptation adaptation = new Adaptation(new ScalarSgd(0.05), 1);
    List<double[]> seen = new ArrayList<>();
    adaptation.adaptThrough(learner, theta, TASK.support(), new int[] {0, 2, 7}, (i, adapted) -> seen.add(adapted.clone()));
    int[] counts = {0, 2, 7};
    for (int i = 0; i < counts.length; i++) {
      assertArrayEquals(adaptation.adapt(learner, theta, TASK.support(), counts[i]), seen.get(i), 0.0, counts[i] + " steps");
    }
  }

  @Test
  void withNothingLearnedTheMetaParametersAreTheNetworks() {
    Adaptation adaptation = new Adaptation(new ScalarSgd(0.05), 1);
    double[] network = {1, 2, 3};
    assertArrayEquals(network, adaptation.initialMeta(network), 0.0);
    assertSame(network, adaptation.networkPart(network));
    assertEquals(0, adaptation.learnedPart(network).length);
    assertEquals("2 inner step(s) at lr 0.05", new Adaptation(new ScalarSgd(0.05), 2).describe());
  }

  /**
   * A task whose examples depend on the parameters (meta-RL's rollouts) needs nothing special: each
   * algorithm asks for the support set with the network's parameters and the query set with the
   * parameters it judges, the adapted ones (and, when measuring, the unadapted ones too).
   */
  @Test
  void algorithmsAskTheTaskForItsExamplesWithTheParametersTheyUseThem() {
    Learner learner = SPEC.newLearner();
    double[] theta = SPEC.initialParams();
    Adaptation adaptation = new Adaptation(new ScalarSgd(0.05), 2);
    double[] adapted = adaptation.adapt(learner, theta, TASK.support());
    for (MetaAlgorithm algorithm : new MetaAlgorithm[] {new Maml(adaptation, HessianVectorProduct.exactWhereAvailable(0)),
        new FirstOrderMaml(adaptation), new Reptile(adaptation)}) {
      RecordingTask task = new RecordingTask(TASK);
      algorithm.compute(learner, theta, task, true);
      assertEquals(List.of(Arrays.toString(theta)), task.support, algorithm.name() + ": support collected with theta");
      assertEquals(List.of(Arrays.toString(theta), Arrays.toString(adapted)), task.query,
          algorithm.name() + ": query collected with theta (measured) and with the adapted parameters");
    }
  }

  /** Answers with a supervised task's examples, and writes down the parameters it was asked with. */
  private static final class RecordingTask implements Task {
    private final TaskData data;
    final List<String> support = new ArrayList<>();
    final List<String> query = new ArrayList<>();

    RecordingTask(TaskData data) {
      this.data = data;
    }

    @Override
    public TaskDescriptor descriptor() {
      return data.descriptor();
    }

    @Override
    public Examples support(double[] params, int round) {
      assertEquals(0, round);
      support.add(Arrays.toString(params));
      return data.support();
    }

    @Override
    public Examples query(double[] params, int round) {
      assertEquals(0, round);
      query.add(Arrays.toString(params));
      return data.query();
    }
  }

  @Test
  void aSupervisedTaskIgnoresTheParametersAndRound() {
    Examples a = TASK.support(new double[] {1}, 0);
    assertSame(a, TASK.support(new double[] {2, 3}, 5));
    assertSame(TASK.query(), TASK.query(null, 1));
    assertEquals(5, a.size());
  }
}
