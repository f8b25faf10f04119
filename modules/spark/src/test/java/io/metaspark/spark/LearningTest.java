package io.metaspark.spark;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.algo.ScalarSgd;
import io.metaspark.core.eval.AdaptationCurve;
import io.metaspark.core.eval.MeanEstimate;
import io.metaspark.core.task.TaskDescriptor;
import io.metaspark.core.task.TaskSampler;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Meta-training learns: after a short run, one adaptation step on fresh tasks gives a clearly lower
 * query MSE than one step from the starting point, on the same tasks (a paired comparison; the run
 * is deterministic, so the figures are too). docs/RESULTS.md gives the full run's figures.
 */
class LearningTest {
  private static final int ITERATIONS = 400;

  @ParameterizedTest
  @ValueSource(strings = {"maml", "fomaml"})
  void oneStepQueryMseFallsByAQuarterOnTheSameFreshTasks(String algorithm) {
    TrainingPlan plan = SinusoidPlans.plan(algorithm, ITERATIONS, 25, 2);
    AdaptationCurve oneStep = new AdaptationCurve(new int[] {1}, new Adaptation(new ScalarSgd(0.01), 1));
    List<TaskDescriptor> fresh = TaskSampler.evaluationTasks(9, 300);
    try (JavaSparkContext sc = LocalSpark.start("local[2]")) {
      TrainingState start = SinusoidPlans.start(plan);
      SparkEvaluator evaluator = new SparkEvaluator(sc, 2);
      double[] before = evaluator.lossesPerStepCount(plan.runner(), start.params(), fresh, oneStep)[0];
      TrainingState end = new SparkMetaTrainer(sc, plan).train(start, (r, s) -> {});
      double[] after = evaluator.lossesPerStepCount(plan.runner(), end.params(), fresh, oneStep)[0];
      double[] improvement = new double[before.length];
      for (int i = 0; i < before.length; i++) {
        improvement[i] = before[i] - after[i];
      }
      MeanEstimate untrained = MeanEstimate.of(before);
      MeanEstimate gain = MeanEstimate.of(improvement);
      System.out.printf("%s: 1-step query MSE on 300 fresh tasks: %s at the start, %s after %d iterations; "
          + "paired improvement %s%n", algorithm, untrained, MeanEstimate.of(after), ITERATIONS, gain);
      assertTrue(gain.mean() - gain.halfWidth95() > 0.25 * untrained.mean(),
          algorithm + ": improvement " + gain + " from " + untrained);
    }
  }
}
