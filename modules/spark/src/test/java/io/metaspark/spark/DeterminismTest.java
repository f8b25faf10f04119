package io.metaspark.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.metaspark.core.task.SinusoidTaskFamily;
import io.metaspark.core.task.SupervisedTaskFamily;
import io.metaspark.core.task.TaskData;
import io.metaspark.core.task.TaskDescriptor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;

/** A run is a pure function of its plan: not of executors, partitions, or Spark's retries. */
class DeterminismTest {
  private static final int ITERATIONS = 6;
  private static final int META_BATCH = 10;

  @ParameterizedTest
  @ValueSource(strings = {"maml", "fomaml", "reptile", "meta-sgd", "meta-sgd-first-order", "maml-plus-plus", "anil"})
  void oneOrTwoThreadsAnyPartitioningAndEitherMergeGiveBitIdenticalParameters(String algorithm) {
    SinusoidTaskFamily family = SinusoidTaskFamily.mamlProtocol(10, 10);
    // merged on the driver (aggregate) with one thread, in a tree (treeAggregate) with two
    double[] reference = run("local[1]", SinusoidPlans.plan(algorithm, family, ITERATIONS, META_BATCH, 1, 1));
    double[] twoThreads = run("local[2]", SinusoidPlans.plan(algorithm, family, ITERATIONS, META_BATCH, 2, 2));
    double[] fivePartitions = run("local[2]", SinusoidPlans.plan(algorithm, family, ITERATIONS, META_BATCH, 5, 1));
    assertFalse(Arrays.equals(reference, SinusoidPlans.start(SinusoidPlans.plan(algorithm, 1, 1, 1)).params()),
        "training moved the parameters");
    assertArrayEquals(reference, twoThreads);
    assertArrayEquals(reference, fivePartitions);
  }

  @ParameterizedTest
  @ValueSource(strings = {"maml"})
  void retriedTasksChangeNothing(String algorithm) {
    double[] faultFree = run("local[2]", SinusoidPlans.plan(algorithm, ITERATIONS, META_BATCH, 4));
    FailingFirstAttempts.failures.clear();
    // local[2, 4]: two threads, up to 4 attempts per task
    double[] withRetries = run("local[2,4]",
        SinusoidPlans.plan(algorithm, new FailingFirstAttempts(), ITERATIONS, META_BATCH, 4));
    assertEquals(ITERATIONS, FailingFirstAttempts.failures.size(), "one injected failure per iteration");
    assertArrayEquals(faultFree, withRetries);
  }

  private static double[] run(String master, TrainingPlan plan) {
    try (JavaSparkContext sc = LocalSpark.start(master)) {
      return SinusoidPlans.train(sc, plan);
    }
  }

  /** Fails the first attempt of the Spark task holding meta-batch index 3, after computing part of it. */
  static final class FailingFirstAttempts implements SupervisedTaskFamily {
    static final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    private final SinusoidTaskFamily delegate = SinusoidTaskFamily.mamlProtocol(10, 10);

    @Override
    public TaskData sample(TaskDescriptor d, DataType dataType) {
      TaskContext ctx = TaskContext.get();
      if (d.index() == 3 && ctx.attemptNumber() == 0) {
        failures.add(d.toString());
        throw new IllegalStateException("injected failure in " + d);
      }
      return delegate.sample(d, dataType);
    }

    @Override
    public String describe() {
      return "failing-first-attempts";
    }
  }
}
