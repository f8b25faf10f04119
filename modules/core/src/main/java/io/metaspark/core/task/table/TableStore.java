package io.metaspark.core.task.table;

import java.io.Serializable;

/**
 * Where a table family's groups come from. It travels with the family to the executors, so it holds
 * only what identifies the data (a location), never rows: implementations load the index and the
 * groups' rows where the tasks run and keep them once per JVM.
 */
public interface TableStore extends Serializable {
  TableIndex index();

  /**
   * The rows of group {@code group} (an index into {@link TableIndex#keys()}), row after row, each
   * {@link TableIndex#rowWidth()} doubles: features then target or label. Rows come in a fixed order
   * that does not depend on how the source table was partitioned. Callers must not modify it.
   */
  double[] rows(int group);

  /** A short human name, for logs and run metadata. */
  String describe();
}
