package io.metaspark.spark.data;

import io.metaspark.core.task.table.TableIndex;

/**
 * A task store's index as written to {@code index.bin}: the table's index, where each group's rows
 * are (bucket file and first row in it), and the fingerprint of the table settings it was built from.
 */
record StoreIndex(String fingerprint, TableIndex table, int[] buckets, int[] firstRows, int bucketCount) {
  StoreIndex {
    if (buckets.length != table.groupCount() || firstRows.length != table.groupCount()) {
      throw new IllegalArgumentException("a bucket and a first row per group are needed");
    }
  }
}
