package io.metaspark.spark;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.core.eval.AdaptationCurve;
import io.metaspark.core.eval.MeanEstimate;
import io.metaspark.core.task.TaskSampler;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Meta-training learns: after a short run, one adaptation step on fresh tasks gives a clearly lower
 * query MSE than one step from the untrained initialization. (The README states the full run's
 * figures; this keeps the suite fast.)
 */
class LearningTest {

  @ParameterizedTest
  @ValueSource(strings = {"maml", "fomaml"})
  void oneStepQueryMseFallsWellBelowTheUntrainedInitialization(String algorithm) {
    TrainingPlan plan = SinusoidPlans.plan(algorithm, 300, 25, 2);
    AdaptationCurve oneStep = new AdaptationCurve(new int[] {1}, 0.01);
    try (JavaSparkContext sc = LocalSpark.start("local[2]")) {
      TrainingState start = SinusoidPlans.start(plan);
      SparkEvaluator evaluator = new SparkEvaluator(sc, 2);
      MeanEstimate before = evaluator.evaluate(plan.runner(), start.params(), TaskSampler.evaluationTasks(9, 200), oneStep)[0];
      TrainingState end = new SparkMetaTrainer(sc, plan).train(start, (r, s) -> {});
      MeanEstimate after = evaluator.evaluate(plan.runner(), end.params(), TaskSampler.evaluationTasks(9, 200), oneStep)[0];
      System.out.printf("%s: 1-step query MSE untrained %s, after 300 iterations %s%n", algorithm, before, after);
      assertTrue(after.mean() + after.halfWidth95() < 0.8 * (before.mean() - before.halfWidth95()),
          algorithm + ": untrained " + before + ", trained " + after);
    }
  }
}
