package io.metaspark.app.config;

import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.task.TaskFamily;
import io.metaspark.core.task.image.ClassSplit;
import java.io.PrintStream;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;

/**
 * A family of tasks, as {@code tasks.family} selects it; its keys live under
 * {@code tasks.<name>}, beside the shared {@code tasks.support} and {@code tasks.query}.
 */
@FunctionalInterface
public interface TaskFamilyType extends Registered {
  /**
   * The family's tasks of one part of the data: meta-training draws from TRAIN, periodic
   * validation from VALIDATION, the final evaluation from TEST. Families that generate their
   * tasks have no parts. Data paths go through {@code locations}, so that executors in other
   * directories read the same data.
   */
  TaskFamily create(ClassSplit.Part part, Values values, Locations locations);

  /**
   * Before Spark starts: that the data exists (looked up only; reading it is for the executors)
   * and that {@code model} fits the tasks. Families that generate their data have nothing to check.
   */
  default void checkData(Values values, Locations locations, ModelSpec model) {}

  /**
   * With Spark running, before the first task is sampled: whatever the tasks need built first
   * (a table's task store). Returns a report of the data for the run directory's tasks.json, or
   * null when there is nothing to report.
   */
  default Map<String, Object> prepare(JavaSparkContext sc, Values values, Locations locations, ModelSpec model,
      PrintStream out) {
    return null;
  }

  /**
   * The size of a task's support and query sets and the shape of one input, for counting a
   * gradient's FLOPs. By default K and Q examples of the network's first layer's width.
   */
  default TaskShape shape(Values values, ModelSpec model) {
    long inputs = ((FeedForwardLayer) model.configuration().getConf(0).getLayer()).getNIn();
    return new TaskShape(values.get(TaskSettings.SUPPORT), values.get(TaskSettings.QUERY),
        InputType.feedForward(inputs));
  }

  /** Examples in a task's support and query sets, and one example's input. */
  record TaskShape(int supportExamples, int queryExamples, InputType input) {}
}
