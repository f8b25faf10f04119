package io.metaspark.core.rl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.algo.ScalarSgd;
import io.metaspark.core.algo.TrustRegionTask;
import io.metaspark.core.algo.TrustRegionTasks;
import io.metaspark.core.model.Learner;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.optim.OptimizerState;
import io.metaspark.core.optim.TrustRegion;
import io.metaspark.core.optim.Update;
import io.metaspark.core.sum.OutcomeSum;
import io.metaspark.core.task.TaskDescriptor;
import io.metaspark.core.task.TaskSampler;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The TRPO constraint of MAML-RL: its Fisher-vector product J^T F' J v is the exact Hessian of the
 * mean KL between the adapted policies before and after the outer step, checked against central
 * differences of that KL (w^T H v from four KL values) at fresh parameters and
 * after real TRPO iterations, for Gaussian and softmax policies, through one and two inner steps.
 * The surrogate's slope at the old parameters is the meta-gradient's.
 */
class AdaptedPolicyTaskTest {
  private static final Navigation2d NAVIGATION = new Navigation2d(12);
  private static final RolloutSettings SETTINGS = new RolloutSettings(3, 3, 0.99, 1.0);

  @Test
  void theFisherProductIsTheKlHessianThroughOneAndTwoInnerSteps() {
    ModelSpec spec = PolicyGradientTest.mlp("2-6-2");
    Learner learner = spec.newLearner();
    EnvironmentTask task = new EnvironmentTask(new TaskDescriptor(2, 0, 31), NAVIGATION, SETTINGS);
    for (int steps : new int[] {1, 2}) {
      PolicyGradientMaml maml = new PolicyGradientMaml(new Adaptation(new ScalarSgd(0.1), steps), 2,
          NAVIGATION.actionSpace(), -0.3, false);
      double[] meta = maml.init(spec.initialParams());
      assertMatchesKlHessian(maml.prepare(learner, meta, task, false), meta, steps + " inner steps");
    }
  }

  @Test
  void theFisherProductIsTheKlHessianAfterRealTrpoIterations() {
    Navigation2d navigation = new Navigation2d(20);
    EnvironmentTaskFamily family = new EnvironmentTaskFamily(navigation, new RolloutSettings(5, 5, 0.99, 1.0));
    ModelSpec spec = PolicyGradientTest.mlp("2-8-8-2");
    Learner learner = spec.newLearner();
    PolicyGradientMaml maml = new PolicyGradientMaml(new Adaptation(new ScalarSgd(0.1), 1), 2,
        navigation.actionSpace(), 0, false);
    double[] meta = maml.init(spec.initialParams());
    TrustRegion trpo = new TrustRegion(0.01, 10, 0.01, 15, 0.8);
    OptimizerState state = trpo.init(meta);
    TaskSampler sampler = new TaskSampler(5);
    for (int iteration = 0; iteration < 3; iteration++) {
      List<TrustRegionTask> tasks = new ArrayList<>();
      OutcomeSum outcomes = OutcomeSum.empty();
      for (TaskDescriptor d : sampler.metaBatch(iteration, 4)) {
        TrustRegionTask t = maml.prepare(learner, meta, family.open(d, DataType.DOUBLE), false);
        tasks.add(t);
        outcomes.add(t.outcome());
      }
      Update update = trpo.update(outcomes.mean().metaGradient(), state, meta,
          new TrustRegionTasks(tasks, UnaryOperator.identity()));
      update.applyTo(meta);
      state = update.state();
    }
    assertEquals(0, state.counter("rejected"), "each of the 3 line searches found a step");
    TaskDescriptor fresh = sampler.metaBatch(3, 1).get(0);
    assertMatchesKlHessian(maml.prepare(learner, meta, family.open(fresh, DataType.DOUBLE), false), meta,
        "after 3 TRPO iterations");
  }

  @Test
  void theFisherProductIsTheKlHessianForASoftmaxPolicy() {
    BernoulliBandit bandit = new BernoulliBandit(4, 6);
    ModelSpec spec = PolicyGradientTest.mlp("1-5-4");
    Learner learner = spec.newLearner();
    EnvironmentTask task = new EnvironmentTask(new TaskDescriptor(1, 2, 9), bandit, new RolloutSettings(4, 4, 1, 1));
    PolicyGradientMaml maml = new PolicyGradientMaml(new Adaptation(new ScalarSgd(0.5), 1), 1, bandit.actionSpace(),
        0, false);
    double[] meta = maml.init(spec.initialParams());
    assertMatchesKlHessian(maml.prepare(learner, meta, task, false), meta, "softmax");
  }

  /**
   * What TRPO's finite-difference products difference: the KL's gradient in the meta-parameters,
   * through the inner steps, away from the old parameters (where the KL and its gradient are not
   * zero), against central differences of the KL; and its central difference at the old parameters
   * against the exact Fisher-vector product. Gaussian through one and two steps, and softmax.
   */
  @Test
  void theKlGradientIsTheKlsSlopeAndItsDifferenceTheFisherProduct() {
    List<Object[]> cases = new ArrayList<>();
    for (int steps : new int[] {1, 2}) {
      ModelSpec spec = PolicyGradientTest.mlp("2-6-2");
      PolicyGradientMaml maml = new PolicyGradientMaml(new Adaptation(new ScalarSgd(0.1), steps), 2,
          NAVIGATION.actionSpace(), -0.3, false);
      double[] meta = maml.init(spec.initialParams());
      EnvironmentTask task = new EnvironmentTask(new TaskDescriptor(2, 0, 31), NAVIGATION, SETTINGS);
      cases.add(new Object[] {maml.prepare(spec.newLearner(), meta, task, false), meta, steps + " inner steps"});
    }
    BernoulliBandit bandit = new BernoulliBandit(4, 6);
    ModelSpec softmax = PolicyGradientTest.mlp("1-5-4");
    PolicyGradientMaml banditMaml = new PolicyGradientMaml(new Adaptation(new ScalarSgd(0.5), 1), 1,
        bandit.actionSpace(), 0, false);
    double[] banditMeta = banditMaml.init(softmax.initialParams());
    EnvironmentTask banditTask = new EnvironmentTask(new TaskDescriptor(1, 2, 9), bandit, new RolloutSettings(4, 4, 1, 1));
    cases.add(new Object[] {banditMaml.prepare(softmax.newLearner(), banditMeta, banditTask, false), banditMeta,
        "softmax"});
    for (Object[] c : cases) {
      AdaptedPolicyTask task = (AdaptedPolicyTask) c[0];
      double[] meta = (double[]) c[1];
      String what = (String) c[2];
      double[] away = along(meta, direction(meta.length, 7), 0.05);
      double[] w = direction(meta.length, 8);
      double h = 1e-5;
      double slope = (kl(task, along(away, w, h)) - kl(task, along(away, w, -h))) / (2 * h);
      double analytic = dot(w, task.klGradient(away));
      assertTrue(Math.abs(analytic) > 1e-4, what + ": a slope too small to check, " + analytic);
      assertEquals(slope, analytic, 1e-6 * Math.abs(slope), what + ": the KL's slope away from the old parameters");
      double[] v = direction(meta.length, 9);
      double eps = 1e-5;
      double[] plus = task.klGradient(along(meta, v, eps));
      double[] minus = task.klGradient(along(meta, v, -eps));
      double[] exact = task.fisherProduct(v);
      double worst = 0;
      for (int i = 0; i < exact.length; i++) {
        worst = Math.max(worst, Math.abs((plus[i] - minus[i]) / (2 * eps) - exact[i]));
      }
      assertTrue(worst < 1e-6 * (1 + Math.sqrt(dot(exact, exact))), what + ": central difference off by " + worst);
    }
  }

  @Test
  void atTheOldParametersTheKlIsZeroAndTheSurrogatesSlopeIsTheMetaGradients() {
    ModelSpec spec = PolicyGradientTest.mlp("2-6-2");
    Learner learner = spec.newLearner();
    EnvironmentTask task = new EnvironmentTask(new TaskDescriptor(0, 5, 17), NAVIGATION, SETTINGS);
    PolicyGradientMaml maml = new PolicyGradientMaml(new Adaptation(new ScalarSgd(0.1), 1), 2,
        NAVIGATION.actionSpace(), -0.3, false);
    double[] meta = maml.init(spec.initialParams());
    AdaptedPolicyTask adapted = maml.prepare(learner, meta, task, false);
    assertEquals(0, adapted.surrogateAndKl(meta)[1], 1e-15);
    double[] g = adapted.outcome().metaGradient();
    double[] v = direction(meta.length, 3);
    double h = 1e-5;
    double slope = (adapted.surrogateAndKl(along(meta, v, h))[0] - adapted.surrogateAndKl(along(meta, v, -h))[0])
        / (2 * h);
    double expected = dot(g, v);
    assertEquals(expected, slope, 1e-6 * (1 + Math.abs(expected)));
  }

  @Test
  void theSurrogateAtTheStartIsTheRecomputedOneBitForBit() {
    Navigation2d navigation = new Navigation2d(20);
    ModelSpec gaussianSpec = PolicyGradientTest.mlp("2-8-8-2");
    for (int steps : new int[] {1, 2}) {
      PolicyGradientMaml maml = new PolicyGradientMaml(new Adaptation(new ScalarSgd(0.1), steps), 2,
          navigation.actionSpace(), -0.2, false);
      double[] meta = maml.init(gaussianSpec.initialParams());
      EnvironmentTask task = new EnvironmentTask(new TaskDescriptor(1, 3, 44), navigation, SETTINGS);
      AdaptedPolicyTask adapted = maml.prepare(gaussianSpec.newLearner(), meta, task, false);
      assertEquals(adapted.surrogateAndKl(meta)[0], adapted.surrogateAtStart(), steps + " inner steps");
    }
    BernoulliBandit bandit = new BernoulliBandit(4, 6);
    ModelSpec softmaxSpec = PolicyGradientTest.mlp("1-5-4");
    PolicyGradientMaml maml = new PolicyGradientMaml(new Adaptation(new ScalarSgd(0.5), 1), 1, bandit.actionSpace(),
        0, false);
    double[] meta = maml.init(softmaxSpec.initialParams());
    EnvironmentTask task = new EnvironmentTask(new TaskDescriptor(1, 2, 9), bandit, new RolloutSettings(4, 4, 1, 1));
    AdaptedPolicyTask adapted = maml.prepare(softmaxSpec.newLearner(), meta, task, false);
    assertEquals(adapted.surrogateAndKl(meta)[0], adapted.surrogateAtStart(), "softmax");
  }

  /** w^T (J^T F' J v) against [KL(e(v+w)) + KL(-e(v+w)) - KL(e(v-w)) - KL(-e(v-w))] / 4e^2, for several v and w. */
  private static void assertMatchesKlHessian(TrustRegionTask task, double[] meta, String what) {
    double eps = 1e-4;
    double worst = 0;
    for (int pair = 0; pair < 4; pair++) {
      double[] v = direction(meta.length, 10 + pair);
      double[] w = direction(meta.length, 20 + pair);
      double analytic = dot(w, task.fisherProduct(v));
      double[] sum = new double[meta.length];
      double[] difference = new double[meta.length];
      for (int i = 0; i < meta.length; i++) {
        sum[i] = v[i] + w[i];
        difference[i] = v[i] - w[i];
      }
      double numeric = (kl(task, along(meta, sum, eps)) + kl(task, along(meta, sum, -eps))
          - kl(task, along(meta, difference, eps)) - kl(task, along(meta, difference, -eps))) / (4 * eps * eps);
      assertTrue(Math.abs(analytic) > 1e-3, what + ": a product too small to check, " + analytic);
      worst = Math.max(worst, Math.abs(analytic - numeric) / Math.abs(numeric));
    }
    assertTrue(worst < 1e-5, what + ": relative error " + worst);
  }

  private static double kl(TrustRegionTask task, double[] candidate) {
    return task.surrogateAndKl(candidate)[1];
  }

  private static double[] direction(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = random.nextGaussian();
    }
    return v;
  }

  private static double[] along(double[] x, double[] v, double step) {
    double[] out = x.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] += step * v[i];
    }
    return out;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
