package io.metaspark.spark;

import io.metaspark.core.task.TaskFamily;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Checks task families' data on an executor before a job starts working ({@link TaskFamily#checkData}),
 * where the data is read exactly as the tasks will read it. A bad dataset is reported as a value, not
 * thrown: a thrown error would make Spark retry the check, decoding the whole dataset again each
 * time for the same answer.
 */
public final class TaskDataCheck {
  private TaskDataCheck() {}

  /** The first problem found, in the order of {@code families}; empty when all are fine. */
  public static Optional<String> firstProblem(JavaSparkContext sc, List<TaskFamily> families) {
    // the families travel in the closure (Java serialization), as in training, not as Kryo-serialized data
    List<TaskFamily> checked = List.copyOf(families);
    List<String> problems = sc.parallelize(List.of(0), 1)
        .flatMap(ignored -> checked.stream().map(TaskDataCheck::problem).iterator())
        .collect();
    return problems.stream().filter(p -> !p.isEmpty()).findFirst();
  }

  private static String problem(TaskFamily family) {
    try {
      family.checkData();
      return "";
    } catch (IllegalArgumentException | UncheckedIOException e) {
      return e.getMessage();
    }
  }
}
