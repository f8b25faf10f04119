package io.metaspark.spark.data;

import io.metaspark.core.task.table.TableIndex;
import io.metaspark.core.task.table.TableStore;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A task store written by {@link TaskStoreBuilder}, read where the tasks run: the index once per JVM,
 * and each bucket file once per JVM when a task first needs one of its groups (then kept, as one
 * double[] per group). With a cache budget, only groups are read (each with one positioned read
 * of its rows) and kept up to the budget per JVM, least recently used dropped first: for stores
 * larger than an executor's memory. Only the directory, the fingerprint and the budget travel; the
 * fingerprint is part of the cache key, so a store rebuilt from other table settings is never
 * answered from an old copy.
 *
 * @param directory the store's directory, any Hadoop URI or path
 * @param fingerprint of the table settings the store must have been built from
 * @param cacheBytes the most bytes of rows an executor JVM keeps for this store; 0 keeps every group it reads
 */
public record StoredTable(String directory, String fingerprint, long cacheBytes) implements TableStore {
  private static final PerJvmCache<StoreIndex> INDEXES = new PerJvmCache<>();
  private static final PerJvmCache<BucketRows> BUCKETS = new PerJvmCache<>();
  private static final PerJvmCache<BoundedRowCache> ROW_CACHES = new PerJvmCache<>();

  public StoredTable {
    if (cacheBytes < 0) {
      throw new IllegalArgumentException("a task store's cache budget must be >= 0 bytes, got " + cacheBytes);
    }
  }

  /** The store with every group kept once read. */
  public StoredTable(String directory, String fingerprint) {
    this(directory, fingerprint, 0);
  }

  /** The same store, its rows kept up to {@code bytes} per JVM (0: all of them). */
  public StoredTable withCacheBytes(long bytes) {
    return new StoredTable(directory, fingerprint, bytes);
  }

  private record BucketKey(StoredTable store, int bucket) {}

  /** A bucket's groups (ascending) and each one's rows. */
  private record BucketRows(int[] groups, double[][] rows) {
    double[] of(int group) {
      return rows[Arrays.binarySearch(groups, group)];
    }
  }

  @Override
  public TableIndex index() {
    return storeIndex().table();
  }

  StoreIndex storeIndex() {
    return INDEXES.get(this, () -> {
      StoreIndex index = readIndex(directory);
      if (!index.fingerprint().equals(fingerprint)) {
        throw new IllegalStateException("task store " + directory + " was built from other table settings ("
            + index.fingerprint() + ", expected " + fingerprint + ")");
      }
      return index;
    });
  }

  @Override
  public double[] rows(int group) {
    StoreIndex index = storeIndex();
    if (cacheBytes > 0) {
      return rowCache().get(group, g -> readGroup(index, g));
    }
    int bucket = index.buckets()[group];
    return BUCKETS.get(new BucketKey(this, bucket), () -> readBucket(index, bucket)).of(group);
  }

  BoundedRowCache rowCache() {
    return ROW_CACHES.get(this, () -> new BoundedRowCache(cacheBytes));
  }

  /** One group's rows, read at their place in the bucket file (the index has each group's first row). */
  private double[] readGroup(StoreIndex index, int group) {
    Path file = TaskStoreFormat.bucketFile(new Path(directory), index.buckets()[group]);
    try (FSDataInputStream in = file.getFileSystem(SparkHadoopConf.current()).open(file)) {
      return TaskStoreFormat.readGroup(in, index.table().rowWidth(), index.firstRows()[group],
          index.table().rowCounts()[group], file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read task store bucket " + file + ": " + e.getMessage(), e);
    }
  }

  private BucketRows readBucket(StoreIndex index, int bucket) {
    Path file = TaskStoreFormat.bucketFile(new Path(directory), bucket);
    int width = index.table().rowWidth();
    double[] rows;
    try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(
        file.getFileSystem(SparkHadoopConf.current()).open(file), 1 << 16))) {
      rows = TaskStoreFormat.readBucket(in, width, file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read task store bucket " + file + ": " + e.getMessage(), e);
    }
    int[] groups = java.util.stream.IntStream.range(0, index.table().groupCount())
        .filter(g -> index.buckets()[g] == bucket).toArray();
    double[][] groupRows = new double[groups.length][];
    for (int i = 0; i < groups.length; i++) {
      int from = index.firstRows()[groups[i]] * width;
      groupRows[i] = Arrays.copyOfRange(rows, from, from + index.table().rowCounts()[groups[i]] * width);
    }
    return new BucketRows(groups, groupRows);
  }

  /** The index of the store in {@code directory}. */
  static StoreIndex readIndex(String directory) {
    Path file = new Path(directory, TaskStoreFormat.INDEX);
    try {
      FileSystem fs = file.getFileSystem(SparkHadoopConf.current());
      try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(fs.open(file)))) {
        return TaskStoreFormat.readIndex(in, file.toString());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read task store index " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String describe() {
    return "task store " + directory;
  }
}
