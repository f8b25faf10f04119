package io.metaspark.core.algo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.core.model.Learner;
import io.metaspark.core.model.MlpShorthand;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.model.ParameterInit;
import io.metaspark.core.optim.Adam;
import io.metaspark.core.optim.OptimizerState;
import io.metaspark.core.optim.Update;
import io.metaspark.core.task.QuadraticTaskFamily;
import io.metaspark.core.task.SinusoidTaskFamily;
import io.metaspark.core.task.TaskData;
import io.metaspark.core.task.TaskDescriptor;
import io.metaspark.core.task.TaskFamily;
import io.metaspark.core.task.TaskSampler;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The learned optimizer's meta-gradient against central differences of the objective it is the
 * gradient of: the unrolled inner steps' query losses, weighted 1/k, with the support gradients held
 * at the values the steps saw (the paper's dropped second derivatives), on smooth networks (a
 * quadratic's linear model, a tanh MLP on a sinusoid) so no probe crosses a kink.
 */
class LearnedOptimizerTest {
  private static final QuadraticTaskFamily QUADRATIC = new QuadraticTaskFamily(10);
  private static final ModelSpec LINEAR = MlpShorthand.parse("10-1").dataType(DataType.DOUBLE).seed(1).toSpec();
  private static final ModelSpec TANH_MLP =
      MlpShorthand.parse("1-20-20-1").activation("tanh").dataType(DataType.DOUBLE).seed(1).toSpec();

  private static LearnedOptimizer learnedOptimizer(double lr, int steps) {
    return new LearnedOptimizer(new Adaptation(new UpdateNetwork(8, lr, 5), steps));
  }

  @Test
  void metaGradientMatchesTheUnrolledObjectiveOnAQuadratic() {
    TaskData task = QUADRATIC.sample(new TaskDescriptor(0, 0, 17), DataType.DOUBLE);
    for (int steps : new int[] {1, 4, 10}) {
      assertMatchesUnrolledObjective(LINEAR, learnedOptimizer(0.05, steps), task, steps);
    }
  }

  @Test
  void metaGradientMatchesTheUnrolledObjectiveOnASinusoidMlp() {
    TaskData task = SinusoidTaskFamily.mamlProtocol(10, 10).sample(new TaskDescriptor(0, 0, 23), DataType.DOUBLE);
    for (int steps : new int[] {1, 5}) {
      assertMatchesUnrolledObjective(TANH_MLP, learnedOptimizer(0.01, steps), task, steps);
    }
  }

  private static void assertMatchesUnrolledObjective(ModelSpec spec, LearnedOptimizer algorithm, TaskData task,
      int steps) {
    Learner learner = spec.newLearner();
    int n = learner.numParams();
    double[] meta = algorithm.init(ParameterInit.FAN_IN_UNIFORM.initialParams(spec, 3));
    double[] analytic = algorithm.compute(learner, meta, task, false).metaGradient();
    assertArrayEquals(new double[n], Arrays.copyOf(analytic, n), 0.0, "the initialization is not learned");
    double[][] supportGradients = algorithm.adaptation().trajectory(learner, meta, task.support()).gradients();
    double[] numeric = new double[meta.length - n];
    double h = 1e-6;
    for (int k = 0; k < numeric.length; k++) {
      double[] plus = meta.clone();
      double[] minus = meta.clone();
      plus[n + k] += h;
      minus[n + k] -= h;
      numeric[k] = (unrolled(learner, algorithm.adaptation(), plus, task, supportGradients)
          - unrolled(learner, algorithm.adaptation(), minus, task, supportGradients)) / (2 * h);
    }
    double error = MetaObjective.relativeError(Arrays.copyOfRange(analytic, n, meta.length), numeric);
    assertTrue(error < 1e-6, steps + " steps: relative error " + error);
  }

  /** (1/k) sum_j query loss at theta_j, the steps taken by the rule on the recorded support gradients. */
  private static double unrolled(Learner learner, Adaptation adaptation, double[] meta, TaskData task,
      double[][] supportGradients) {
    double[] learned = adaptation.learnedPart(meta);
    double[] theta = adaptation.networkPart(meta);
    double[] memory = new double[adaptation.rule().memoryValues(theta.length)];
    double sum = 0;
    for (int j = 0; j < supportGradients.length; j++) {
      adaptation.rule().step(j, learned, memory, theta, supportGradients[j].clone());
      sum += learner.loss(theta, task.query());
    }
    return sum / supportGradients.length;
  }

  /**
   * The paper's claim in miniature: meta-trained on quadratics, the update network lowers the mean
   * loss after 10 steps on quadratics it never saw, from where its random start leaves it.
   */
  @Test
  void metaTrainingLowersTheLossAfterTheStepsOnUnseenQuadratics() {
    Learner learner = LINEAR.newLearner();
    LearnedOptimizer algorithm = learnedOptimizer(0.1, 10);
    double[] start = algorithm.init(ParameterInit.FAN_IN_UNIFORM.initialParams(LINEAR, 1));
    double[] trained = start.clone();
    Adam adam = Adam.withDefaults(0.01);
    OptimizerState state = adam.init(trained);
    TaskSampler sampler = new TaskSampler(42);
    for (int t = 0; t < 150; t++) {
      double[] mean = new double[trained.length];
      for (TaskDescriptor descriptor : sampler.metaBatch(t, 10)) {
        Vectors.axpy(0.1, algorithm.compute(learner, trained, QUADRATIC.open(descriptor, DataType.DOUBLE), false)
            .metaGradient(), mean);
      }
      Update update = adam.update(mean, state, trained);
      update.applyTo(trained);
      state = update.state();
    }
    double before = meanLossAfterSteps(learner, algorithm.adaptation(), start, QUADRATIC);
    double after = meanLossAfterSteps(learner, algorithm.adaptation(), trained, QUADRATIC);
    assertTrue(after < 0.8 * before, "mean loss after 10 steps: " + before + " untrained, " + after + " trained");
  }

  private static double meanLossAfterSteps(Learner learner, Adaptation adaptation, double[] meta, TaskFamily family) {
    double sum = 0;
    for (int t = 0; t < 50; t++) {
      TaskData task = (TaskData) family.open(new TaskDescriptor(1_000_000, t, 99_991L * t + 3), DataType.DOUBLE);
      sum += learner.loss(adaptation.adapt(learner, meta, task.support()), task.query());
    }
    return sum / 50;
  }

  @Test
  void adamsFirstStepIsTheGradientsSignTimesTheRate() {
    double[] theta = {1, 2, 3};
    double[] gradient = {0.5, -4, 1e-3};
    double[] memory = new double[new AdamSteps(0.1).memoryValues(3)];
    new AdamSteps(0.1).step(0, new double[0], memory, theta, gradient);
    assertArrayEquals(new double[] {0.9, 2.1, 2.9}, theta, 1e-6);
  }

  @Test
  void theHiddenSizeIsReadBackFromTheWeightsCount() {
    assertEquals(20, UpdateNetwork.hiddenOf(new UpdateNetwork(20, 0.1, 0).learnedValues()));
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> UpdateNetwork.hiddenOf(122));
    assertTrue(error.getMessage().contains("122"), error.getMessage());
  }

  @Test
  void refusesAnotherRuleAndZeroSteps() {
    assertThrows(IllegalArgumentException.class, () -> new LearnedOptimizer(new Adaptation(new ScalarSgd(0.1), 1)));
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> learnedOptimizer(0.1, 0));
    assertTrue(error.getMessage().contains(">= 1 inner step"), error.getMessage());
  }
}
