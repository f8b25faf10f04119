package io.metaspark.app.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.metaspark.spark.TrainingPlan;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shapes the cost model counts: Spark's tree levels, task rounds, executor JVMs. */
class IterationShapeTest {
  @Test
  void reducerLevelsAreSparkTreeAggregates() {
    // RDD.treeAggregate's loop in Spark 3.5, worked by hand: scale = ceil(P^(1/depth)), divide while it saves a round
    assertEquals(List.of(), IterationShape.reducerLevels(32, 1));
    assertEquals(List.of(8), IterationShape.reducerLevels(64, 2));
    assertEquals(List.of(10), IterationShape.reducerLevels(128, 2));
    assertEquals(List.of(16), IterationShape.reducerLevels(256, 2));
    assertEquals(List.of(), IterationShape.reducerLevels(4, 2), "4 > 2 + 2 is false: no level");
    assertEquals(List.of(5), IterationShape.reducerLevels(33, 2));
  }

  @Test
  void aMeasuredRunHasNoMoreRoundsInParallelThanTheMachineHasCores() {
    IterationShape s = IterationShape.measured(new CostRun("local-cluster[4,1,1024]", 64, 1_000_000, "aggregate", 1,
        "x"), 2);
    assertEquals(32, s.taskWaves());
    assertEquals(4, s.fetchingJvms());
    assertEquals(1, s.treeLevels());
    assertEquals(8, s.driverPartials());
    assertEquals(8 * 4, s.reducerRounds(), "8 partials per reducer, 8 reducers on 2 cores");
    assertEquals(0, IterationShape.measured(new CostRun("local[2]", 3, 10, "ship", 1, "x"), 2).fetchingJvms(),
        "local[N]'s executors are the driver's JVM");
  }

  @Test
  void onAClusterEachExecutorTakesOnePartitionAndNeverMorePartitionsThanTasks() {
    IterationShape s = IterationShape.onCluster(256, 32, 113_733, TrainingPlan.AUTO_TREE_DEPTH);
    assertEquals(32, s.partitions());
    assertEquals(1, s.taskWaves());
    assertEquals(0, s.treeLevels());
    assertEquals(32, s.driverPartials());
    IterationShape wide = IterationShape.onCluster(256, 1024, 10_000_000, TrainingPlan.AUTO_TREE_DEPTH);
    assertEquals(256, wide.partitions());
    assertEquals(16, wide.driverPartials());
    assertEquals(16, wide.reducerRounds());
    assertEquals(10.0, wide.paramsMillions());
  }

  @Test
  void aDepthSetForTheForecastOverridesTrainingsChoice() {
    IterationShape flat = IterationShape.onCluster(64, 64, 1_000_000, 1);
    assertEquals(0, flat.treeLevels());
    assertEquals(64, flat.driverPartials());
    IterationShape tree = IterationShape.onCluster(32, 32, 1_000_000, 2);
    assertEquals(1, tree.treeLevels(), "auto would take depth 1 at 32 partitions");
    assertEquals(5, tree.driverPartials());
    assertEquals(7, tree.reducerRounds(), "ceil(32 / 5) partials per reducer, one round of 5 reducers on 32 executors");
  }
}
