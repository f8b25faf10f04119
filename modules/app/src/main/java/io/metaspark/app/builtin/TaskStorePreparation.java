package io.metaspark.app.builtin;

import io.metaspark.app.config.ConfigError;
import io.metaspark.app.config.DataError;
import io.metaspark.app.config.Locations;
import io.metaspark.app.config.ModelSettings;
import io.metaspark.app.config.TaskSettings;
import io.metaspark.app.config.ValidateSettings;
import io.metaspark.app.config.Values;
import io.metaspark.core.task.image.ClassSplit.Part;
import io.metaspark.core.task.table.GroupSplit;
import io.metaspark.core.task.table.TableIndex;
import io.metaspark.spark.data.BadTableException;
import io.metaspark.spark.data.TableSource;
import io.metaspark.spark.data.TaskStoreBuilder;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * For table tasks, before any task is sampled: builds the task store (or reuses the one already
 * built from the same table settings), checks that the split leaves groups in every part it needs
 * and that the network's outputs fit the classes, and reports how many groups there are and how
 * many are too small to be a task (never silently left out).
 */
final class TaskStorePreparation {
  /** Keys of too-small groups listed in tasks.json; the count is always complete. */
  private static final int LISTED_SMALL_GROUPS = 100;

  private TaskStorePreparation() {}

  /** The report, as written to tasks.json; {@code modelOutputs} 0 for a model that takes any number of classes. */
  static Map<String, Object> prepare(JavaSparkContext sc, Values values, Locations locations, int modelOutputs,
      PrintStream out) {
    String directory = TableTasks.storeDirectory(values, locations);
    TableSource source = TableTasks.source(values);
    TaskStoreBuilder.Outcome outcome;
    try {
      outcome = TaskStoreBuilder.ensure(sc, source, directory, TableTasks.storeBuckets(values));
    } catch (IllegalArgumentException e) {
      throw new ConfigError("tasks.table: " + e.getMessage(), e);
    } catch (BadTableException e) {
      throw new DataError(e.getMessage());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the task store " + directory + ": " + e.getMessage(), e);
    }
    TableIndex index = outcome.summary().index();
    int minRows = values.get(TaskSettings.SUPPORT) + values.get(TaskSettings.QUERY);
    GroupSplit split = TableTasks.split(values);
    String[] small = IntStream.range(0, index.groupCount()).filter(g -> index.rowCounts()[g] < minRows)
        .mapToObj(g -> index.keys()[g]).toArray(String[]::new);
    Map<String, Integer> parts = new LinkedHashMap<>();
    for (Part part : List.of(Part.TRAIN, Part.VALIDATION, Part.TEST)) {
      parts.put(part.name().toLowerCase(Locale.ROOT), split.groups(index, part, minRows).length);
    }
    out.printf(Locale.ROOT, "  table: %d groups, %d rows (task store %s, %s)%n", index.groupCount(),
        outcome.summary().rows(), directory, outcome.reused() ? "reused" : "built");
    out.printf(Locale.ROOT, "  %d group(s) with fewer than K + Q = %d rows left out%s; tasks from %d train, "
        + "%d validation, %d test groups%n", small.length, minRows,
        small.length == 0 ? "" : " (" + String.join(", ", Arrays.asList(small).subList(0, Math.min(5, small.length)))
            + (small.length > 5 ? ", ..." : "") + ")",
        parts.get("train"), parts.get("validation"), parts.get("test"));
    requireGroups(parts, "train", "tasks.table.test-fraction and validation-fraction leave none for meta-training");
    requireGroups(parts, "test", "raise tasks.table.test-fraction");
    if (values.get(ValidateSettings.EVERY) > 0) {
      requireGroups(parts, "validation", "raise tasks.table.validation-fraction");
    }
    if (index.classification() && modelOutputs != 0 && modelOutputs != index.classValues().length) {
      throw new ConfigError("label column '" + source.outcomeColumn() + "' has "
          + index.classValues().length + " classes " + Arrays.toString(index.classValues()) + " but the model has "
          + modelOutputs + " outputs (model.mlp is '" + values.get(ModelSettings.MLP) + "')");
    }

    Map<String, Object> report = new LinkedHashMap<>();
    report.put("table", source.describe());
    report.put("task_store", directory);
    report.put("groups", index.groupCount());
    report.put("rows", outcome.summary().rows());
    report.put("min_rows", minRows);
    report.put("too_small_groups", small.length);
    report.put("too_small_keys", Arrays.asList(small).subList(0, Math.min(LISTED_SMALL_GROUPS, small.length)));
    report.put("parts", parts);
    if (index.classification()) {
      report.put("classes", index.classValues());
    }
    return report;
  }

  private static void requireGroups(Map<String, Integer> parts, String part, String hint) {
    if (parts.get(part) == 0) {
      throw new ConfigError("no " + part + " groups with enough rows (K + Q) for table tasks: " + hint);
    }
  }
}
