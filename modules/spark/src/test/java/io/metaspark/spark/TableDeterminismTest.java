package io.metaspark.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.algo.HessianVectorProduct;
import io.metaspark.core.algo.Maml;
import io.metaspark.core.algo.ScalarSgd;
import io.metaspark.core.model.MlpShorthand;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.model.ParameterInit;
import io.metaspark.core.optim.Adam;
import io.metaspark.core.task.TaskSampler;
import io.metaspark.core.task.image.ClassSplit.Part;
import io.metaspark.core.task.table.GroupSplit;
import io.metaspark.core.task.table.TableTaskFamily;
import io.metaspark.spark.data.StoredTable;
import io.metaspark.spark.data.TableSource;
import io.metaspark.spark.data.TaskStoreBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Table tasks keep a run a pure function of its plan: one thread or two, one partition or three, the
 * whole store kept or only what a small cache budget holds.
 */
class TableDeterminismTest {
  @TempDir
  Path dir;

  @Test
  void oneOrTwoThreadsAndAnyCacheBudgetGiveBitIdenticalParameters() throws IOException {
    TableSource source = new TableSource("../../src-test-data/tables/regression.parquet", "parquet", "site",
        List.of("x1", "x2", "x3"), "y", false);
    ModelSpec model = MlpShorthand.parse("3-16-1").dataType(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toSpec();
    StoredTable store = new StoredTable(dir + "/task-store", source.fingerprint());
    TaskRunner runner = runner(model, store);
    double[] twoThreads;
    try (JavaSparkContext sc = LocalSpark.start("local[2]")) {
      TaskStoreBuilder.ensure(sc, source, dir + "/task-store", 4);
      twoThreads = run(sc, runner, 3);
    }
    double[] oneThread;
    try (JavaSparkContext sc = LocalSpark.start("local[1]")) {
      oneThread = run(sc, runner, 1);
    }
    assertFalse(Arrays.equals(oneThread, ParameterInit.FAN_IN_UNIFORM.initialParams(model, 1)), "training moved them");
    assertArrayEquals(oneThread, twoThreads);
    double[] smallCache;
    try (JavaSparkContext sc = LocalSpark.start("local[2]")) {
      // about two groups' rows: tasks keep reading groups their JVM dropped
      smallCache = run(sc, runner(model, store.withCacheBytes(2048)), 3);
    }
    assertArrayEquals(oneThread, smallCache);
  }

  private static TaskRunner runner(ModelSpec model, StoredTable store) {
    return new TaskRunner(model, new TableTaskFamily(store, new GroupSplit(0, 0.2, 0.1), Part.TRAIN, 5, 10),
        new Maml(new Adaptation(new ScalarSgd(0.05), 1), HessianVectorProduct.exactWhereAvailable(0)));
  }

  private static double[] run(JavaSparkContext sc, TaskRunner runner, int partitions) {
    TrainingPlan plan = TrainingPlan.builder(runner, new TaskSampler(42), Adam.withDefaults(0.003))
        .iterations(8).metaBatch(10).partitions(partitions).measureEvery(4).maxSkippedUpdates(3).build();
    double[] theta = ParameterInit.FAN_IN_UNIFORM.initialParams(runner.model(), 1);
    return new SparkMetaTrainer(sc, plan).train(new TrainingState(0, theta, plan.optimizer().init(theta)),
        (r, s) -> {}).params();
  }
}
