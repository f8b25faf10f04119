package io.metaspark.spark;

import io.metaspark.core.eval.AdaptationCurve;
import io.metaspark.core.eval.CurveEstimate;
import io.metaspark.core.eval.EnsembleCurve;
import io.metaspark.core.eval.QueryMeasures;
import io.metaspark.core.task.TaskDescriptor;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Post-adaptation query loss (and accuracy, for classification) on held-out tasks, one Spark job.
 * Unlike training, each task's measures come back to the driver: a confidence interval needs the
 * spread, and they are a few numbers each.
 */
public final class SparkEvaluator {
  private final JavaSparkContext sc;
  private final int partitions;

  public SparkEvaluator(JavaSparkContext sc, int partitions) {
    this.sc = sc;
    this.partitions = partitions;
  }

  /** Per step count (ascending, as {@link AdaptationCurve#steps()}), the mean query loss and, for classification tasks, the mean accuracy, with CIs. */
  public CurveEstimate estimate(TaskRunner runner, double[] params, List<TaskDescriptor> tasks, AdaptationCurve curve) {
    return CurveEstimate.of(measures(runner, params, tasks, curve));
  }

  /** [step count][task]: each task's query loss, tasks in the order given (for paired comparisons). */
  public double[][] lossesPerStepCount(
      TaskRunner runner, double[] params, List<TaskDescriptor> tasks, AdaptationCurve curve) {
    List<QueryMeasures> perTask = measures(runner, params, tasks, curve);
    double[][] out = new double[curve.steps().length][perTask.size()];
    for (int i = 0; i < perTask.size(); i++) {
      for (int s = 0; s < out.length; s++) {
        out[s][i] = perTask.get(i).losses()[s];
      }
    }
    return out;
  }

  /** The same for an ensemble, member i starting from {@code params[i]}: one job, each task adapting every member. */
  public CurveEstimate estimate(TaskRunner runner, double[][] params, List<TaskDescriptor> tasks, EnsembleCurve curve) {
    return CurveEstimate.of(measures(runner, params, tasks,
        (r, task, members) -> r.ensembleMeasures(task, members, curve)));
  }

  private List<QueryMeasures> measures(
      TaskRunner runner, double[] params, List<TaskDescriptor> tasks, AdaptationCurve curve) {
    return measures(runner, params, tasks, (r, task, theta) -> r.adaptationMeasures(task, theta, curve));
  }

  /** What an executor measures on one task, with the broadcast parameters. */
  private interface TaskMeasure<P> extends Serializable {
    QueryMeasures apply(TaskRunner runner, TaskDescriptor task, P params);
  }

  private <P> List<QueryMeasures> measures(TaskRunner runner, P params, List<TaskDescriptor> tasks,
      TaskMeasure<P> measure) {
    Broadcast<TaskRunner> r = sc.broadcast(runner);
    Broadcast<P> theta = sc.broadcast(params);
    try {
      // collect() keeps the RDD's order, which is the order of the list
      return sc.parallelize(tasks, Math.min(partitions, tasks.size()))
          .map(task -> measure.apply(r.value(), task, theta.value()))
          .collect();
    } finally {
      theta.destroy();
      r.destroy();
    }
  }
}
