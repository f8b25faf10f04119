package io.metaspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.algo.ScalarSgd;
import io.metaspark.core.eval.AdaptationCurve;
import io.metaspark.core.eval.MeanEstimate;
import io.metaspark.core.model.Learner;
import io.metaspark.core.task.SinusoidTaskFamily;
import io.metaspark.core.task.TaskDescriptor;
import io.metaspark.core.task.TaskSampler;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

class SparkEvaluatorTest {

  @Test
  void distributedEvaluationEqualsTheSameTasksEvaluatedInOneThread() {
    TrainingPlan plan = SinusoidPlans.plan("maml", 1, 1, 1);
    double[] theta = SinusoidPlans.start(plan).params();
    List<TaskDescriptor> tasks = TaskSampler.evaluationTasks(5, 30);
    AdaptationCurve curve = new AdaptationCurve(new int[] {0, 1, 5}, new Adaptation(new ScalarSgd(0.01), 1));
    MeanEstimate[] distributed;
    try (JavaSparkContext sc = LocalSpark.start("local[2]")) {
      distributed = new SparkEvaluator(sc, 3).estimate(plan.runner(), theta, tasks, curve).losses();
    }
    Learner learner = SinusoidPlans.MODEL.newLearner();
    SinusoidTaskFamily family = SinusoidTaskFamily.mamlProtocol(10, 10);
    for (int s = 0; s < 3; s++) {
      double[] losses = new double[tasks.size()];
      for (int i = 0; i < losses.length; i++) {
        losses[i] = curve.measure(learner, theta, family.sample(tasks.get(i), learner.dataType())).losses()[s];
      }
      MeanEstimate local = MeanEstimate.of(losses);
      assertEquals(local.mean(), distributed[s].mean(), 1e-12);
      assertEquals(local.halfWidth95(), distributed[s].halfWidth95(), 1e-12);
    }
  }
}
