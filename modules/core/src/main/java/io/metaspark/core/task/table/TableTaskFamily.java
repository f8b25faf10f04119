package io.metaspark.core.task.table;

import io.metaspark.core.task.Examples;
import io.metaspark.core.task.TaskData;
import io.metaspark.core.task.TaskDescriptor;
import io.metaspark.core.task.SupervisedTaskFamily;
import io.metaspark.core.task.image.ClassSplit.Part;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Tasks from a table whose rows are grouped by a task key (a user, a device, a site): a task is one
 * group of one part of a {@link GroupSplit}, drawn uniformly from the part's groups with at least
 * K + Q rows, and K support and Q query rows of it, all distinct, drawn at random. Features are
 * [n, features]; labels are the target [n, 1] (regression) or the label's class one-hot [n, classes]
 * (classification: classes are the table's, the same in every task).
 *
 * <p>Serializing the family ships the store's location, never rows: groups are read where the tasks
 * run.
 */
public final class TableTaskFamily implements SupervisedTaskFamily {
  private final TableStore store;
  private final GroupSplit split;
  private final Part part;
  private final int support;
  private final int query;
  private transient volatile int[] partGroups;

  public TableTaskFamily(TableStore store, GroupSplit split, Part part, int support, int query) {
    if (support < 1 || query < 1) {
      throw new IllegalArgumentException("table tasks need K >= 1 support and Q >= 1 query rows, got K=" + support
          + ", Q=" + query);
    }
    this.store = store;
    this.split = split;
    this.part = part;
    this.support = support;
    this.query = query;
  }

  @Override
  public TaskData sample(TaskDescriptor descriptor, DataType dataType) {
    TableIndex index = store.index();
    int[] pool = partGroups(index);
    SplittableRandom random = new SplittableRandom(descriptor.seed());
    int group = pool[random.nextInt(pool.length)];
    double[] rows = store.rows(group);
    int n = index.rowCounts()[group];
    // a partial Fisher-Yates shuffle: the first K drawn rows support, the next Q query
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = 0; i < support + query; i++) {
      int j = i + random.nextInt(n - i);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    return new TaskData(descriptor,
        examples(index, rows, order, 0, support, dataType),
        examples(index, rows, order, support, query, dataType));
  }

  private static Examples examples(TableIndex index, double[] rows, int[] order, int from, int count,
      DataType dataType) {
    int features = index.featureCount();
    int width = index.rowWidth();
    int outputs = index.classification() ? index.classValues().length : 1;
    double[] x = new double[count * features];
    double[] y = new double[count * outputs];
    for (int i = 0; i < count; i++) {
      int row = order[from + i] * width;
      System.arraycopy(rows, row, x, i * features, features);
      double target = rows[row + features];
      if (index.classification()) {
        y[i * outputs + index.classOf(target)] = 1;
      } else {
        y[i] = target;
      }
    }
    return new Examples(
        Nd4j.create(x, new long[] {count, features}, DataType.DOUBLE).castTo(dataType),
        Nd4j.create(y, new long[] {count, outputs}, DataType.DOUBLE).castTo(dataType));
  }

  /** The part's groups big enough for K + Q, once per JVM: an empty part fails on the first task, by name. */
  private int[] partGroups(TableIndex index) {
    int[] pool = partGroups;
    if (pool == null) {
      pool = split.groups(index, part, support + query);
      if (pool.length == 0) {
        throw new IllegalArgumentException("the " + part + " part of " + store.describe() + " has no group with K + Q = "
            + (support + query) + " rows or more");
      }
      partGroups = pool;
    }
    return pool;
  }

  @Override
  public String describe() {
    return "table tasks (K=" + support + ", Q=" + query + ", " + part.name().toLowerCase(java.util.Locale.ROOT)
        + " groups; " + split + ") from "
        + store.describe();
  }

  public int support() {
    return support;
  }

  public int query() {
    return query;
  }

  public Part part() {
    return part;
  }

  public GroupSplit split() {
    return split;
  }
}
