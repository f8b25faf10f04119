package io.metaspark.spark;

import io.metaspark.core.eval.AdaptationCurve;
import io.metaspark.core.eval.MeanEstimate;
import io.metaspark.core.task.TaskDescriptor;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Post-adaptation query loss on held-out tasks, one Spark job. Unlike training, each task's losses
 * come back to the driver: a confidence interval needs the spread, and they are a few numbers each.
 */
public final class SparkEvaluator {
  private final JavaSparkContext sc;
  private final int partitions;

  public SparkEvaluator(JavaSparkContext sc, int partitions) {
    this.sc = sc;
    this.partitions = partitions;
  }

  /** Per step count (ascending, as {@link AdaptationCurve#steps()}), the mean query loss with its CI. */
  public MeanEstimate[] evaluate(TaskRunner runner, double[] params, List<TaskDescriptor> tasks, AdaptationCurve curve) {
    double[][] losses = lossesPerStepCount(runner, params, tasks, curve);
    MeanEstimate[] out = new MeanEstimate[losses.length];
    for (int s = 0; s < losses.length; s++) {
      out[s] = MeanEstimate.of(losses[s]);
    }
    return out;
  }

  /** [step count][task]: each task's query loss, tasks in the order given (for paired comparisons). */
  public double[][] lossesPerStepCount(
      TaskRunner runner, double[] params, List<TaskDescriptor> tasks, AdaptationCurve curve) {
    Broadcast<TaskRunner> r = sc.broadcast(runner);
    Broadcast<double[]> theta = sc.broadcast(params);
    try {
      // collect() keeps the RDD's order, which is the order of the list
      List<double[]> perTask = sc.parallelize(tasks, Math.min(partitions, tasks.size()))
          .map(task -> r.value().adaptationLosses(task, theta.value(), curve))
          .collect();
      double[][] out = new double[curve.steps().length][perTask.size()];
      for (int i = 0; i < perTask.size(); i++) {
        for (int s = 0; s < out.length; s++) {
          out[s][i] = perTask.get(i)[s];
        }
      }
      return out;
    } finally {
      theta.destroy();
      r.destroy();
    }
  }
}
