package io.metaspark.spark;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.core.task.SinusoidTaskFamily;
import io.metaspark.core.task.SupervisedTaskFamily;
import io.metaspark.core.task.TaskData;
import io.metaspark.core.task.TaskDescriptor;
import io.metaspark.core.task.TaskSeeds;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;

/** A task that keeps failing stops the job with an error that names the task, so it can be rerun alone. */
class TaskFailureReportTest {

  @ParameterizedTest
  @ValueSource(strings = {"exception", "out-of-memory"})
  void theDriverSeesTheFailingTasksDescriptor(String failure) {
    TrainingPlan plan = SinusoidPlans.plan("fomaml", new AlwaysFailing(failure), 3, 6, 2);
    try (JavaSparkContext sc = LocalSpark.start("local[2,2]")) {
      SparkException e = assertThrows(SparkException.class,
          () -> new SparkMetaTrainer(sc, plan).train(SinusoidPlans.start(plan), (r, s) -> {}));
      String expected = "task(iteration=0, index=4, seed=" + TaskSeeds.of(42, 0, 4) + ")";
      assertTrue(e.getMessage().contains(expected), e.getMessage());
      assertTrue(e.getMessage().contains(failure.equals("exception") ? "IllegalStateException" : "OutOfMemoryError"),
          e.getMessage());
    }
  }

  /** Task 4 of every meta-batch fails, on every attempt. */
  record AlwaysFailing(String failure) implements SupervisedTaskFamily {
    @Override
    public TaskData sample(TaskDescriptor d, DataType dataType) {
      if (d.index() == 4) {
        if (failure.equals("exception")) {
          throw new IllegalStateException("corrupt example in " + d);
        }
        throw new OutOfMemoryError("Java heap space (simulated)");
      }
      return SinusoidTaskFamily.mamlProtocol(10, 10).sample(d, dataType);
    }

    @Override
    public String describe() {
      return "always-failing";
    }
  }
}
