package io.metaspark.app.bench;

import io.metaspark.spark.TrainingPlan;
import java.util.ArrayList;
import java.util.List;

/**
 * What a jobs-mode iteration's fixed costs depend on: how many partitions, how large the parameter
 * vector, how many rounds of tasks the task slots take, how many executor JVMs fetch the closure,
 * and the shape of Spark's {@code treeAggregate} (the depth training chooses, {@link
 * TrainingPlan#depthFor}, and the reducer counts Spark derives from it).
 *
 * @param paramsMillions parameters, in millions
 * @param taskWaves rounds of tasks: partitions over the task slots that really run at once
 * @param fetchingJvms executor JVMs that fetch the task closure over a socket (0: executors in the driver's JVM)
 * @param treeLevels shuffle levels {@code treeAggregate} adds (0 with depth 1, or when Spark skips them)
 * @param driverPartials partial sums the driver decodes and merges: the partitions, or the last level's reducers
 * @param reducerRounds partials each reducer slot merges, over every level: per reducer, its inputs times its rounds
 */
record IterationShape(int partitions, double paramsMillions, int taskWaves, int fetchingJvms, int treeLevels,
    int driverPartials, int reducerRounds) {

  /**
   * A run of {@code bench costs} on a machine with {@code machineCores} cores: however many slots
   * the master has, no more tasks run at once than there are cores.
   */
  static IterationShape measured(CostRun run, int machineCores) {
    int parallel = Math.min(run.slots(), machineCores);
    return of(run.partitions(), run.params(), parallel, Math.min(run.executorJvms(), run.partitions()));
  }

  /**
   * One iteration on a cluster of {@code executors} single-slot executors, each on a core of its
   * own: the meta-batch's tasks in one partition per executor (never more partitions than tasks).
   *
   * @param treeDepth {@code treeAggregate}'s depth, or {@link TrainingPlan#AUTO_TREE_DEPTH} for training's choice
   */
  static IterationShape onCluster(int executors, int metaBatch, long params, int treeDepth) {
    int partitions = Math.min(executors, metaBatch);
    return of(partitions, params, executors, partitions, treeDepth);
  }

  private static IterationShape of(int partitions, long params, int parallel, int fetchingJvms) {
    return of(partitions, params, parallel, fetchingJvms, TrainingPlan.AUTO_TREE_DEPTH);
  }

  private static IterationShape of(int partitions, long params, int parallel, int fetchingJvms, int treeDepth) {
    int depth = treeDepth == TrainingPlan.AUTO_TREE_DEPTH ? TrainingPlan.depthFor(partitions) : treeDepth;
    List<Integer> levels = reducerLevels(partitions, depth);
    int rounds = 0;
    int inputs = partitions;
    for (int reducers : levels) {
      rounds += ceilDiv(inputs, reducers) * ceilDiv(reducers, parallel);
      inputs = reducers;
    }
    return new IterationShape(partitions, params / 1e6, ceilDiv(partitions, parallel), fetchingJvms, levels.size(),
        inputs, rounds);
  }

  /**
   * The reducer count of each shuffle level Spark 3.5's {@code RDD.treeAggregate} creates for
   * {@code partitions} partitions at {@code depth}: it divides by the scale P^(1/depth) while that
   * still saves a round (its loop, reproduced), and none at depth 1.
   */
  static List<Integer> reducerLevels(int partitions, int depth) {
    List<Integer> levels = new ArrayList<>();
    if (depth <= 1) {
      return levels;
    }
    int scale = Math.max((int) Math.ceil(Math.pow(partitions, 1.0 / depth)), 2);
    int n = partitions;
    while (n > scale + Math.ceil((double) n / scale)) {
      n /= scale;
      levels.add(n);
    }
    return levels;
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }
}
