package io.metaspark.spark.data;

import io.metaspark.core.task.table.TableIndex;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.HashPartitioner;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * Turns a table into a task store with one Spark job: rows are shuffled by task key into bucket
 * files on the executors (a group's rows sorted by value, so the store does not depend on how the
 * input was partitioned or on which attempt wrote it), and only each group's key, bucket, first row
 * and count come back to the driver, which writes the index last. A store whose index is there is
 * complete and is reused when it was built from the same table settings; a half-built one (a crash)
 * is rebuilt.
 */
public final class TaskStoreBuilder {
  private TaskStoreBuilder() {}

  /** The store, and whether it was already there. */
  public record Outcome(StoredTable store, StoreSummary summary, boolean reused) {}

  /** What the driver reports: the index's numbers, never rows. */
  public record StoreSummary(TableIndex index, long rows) {}

  /**
   * The store of {@code source} in {@code directory}, built when it is not there yet.
   *
   * @throws IllegalArgumentException for settings that do not fit the table (a missing column or
   *     path), or a store in {@code directory} built from other settings
   * @throws BadTableException for a table that cannot become tasks (non-numeric or missing values)
   */
  public static Outcome ensure(JavaSparkContext sc, TableSource source, String directory, int buckets)
      throws IOException {
    if (buckets < 1) {
      throw new IllegalArgumentException("a task store needs at least one bucket, got " + buckets);
    }
    Path dir = new Path(directory);
    FileSystem fs = dir.getFileSystem(sc.hadoopConfiguration());
    StoredTable store = new StoredTable(directory, source.fingerprint());
    if (fs.exists(new Path(dir, TaskStoreFormat.INDEX))) {
      StoreIndex existing = StoredTable.readIndex(directory);
      if (!existing.fingerprint().equals(store.fingerprint())) {
        throw new IllegalArgumentException("the task store " + directory + " was built from other table settings"
            + " (location, format or columns); delete it, or use another run.name");
      }
      return new Outcome(store, new StoreSummary(existing.table(), existing.table().totalRows()), true);
    }
    if (fs.exists(dir)) {
      fs.delete(dir, true); // no index: a build that did not finish
    }
    Path building = new Path(dir.getParent(), dir.getName() + ".building");
    fs.delete(building, true);
    fs.mkdirs(building);

    SparkSession spark = SparkSession.builder().config(sc.getConf()).getOrCreate();
    Dataset<Row> table = source.checked(spark);
    double[] classes = source.classification() ? source.classValues(table) : null;
    int features = source.featureColumns().size();
    List<Column> columns = new ArrayList<>();
    columns.add(TableSource.column(source.keyColumn()).cast("string"));
    for (String name : source.valueColumns()) {
      columns.add(TableSource.column(name).cast("double"));
    }
    List<Tuple2<String, int[]>> entries = table.select(columns.toArray(new Column[0])).javaRDD()
        .mapToPair(row -> new Tuple2<>(row.getString(0), values(row, features + 1)))
        .partitionBy(new HashPartitioner(buckets))
        .mapPartitionsWithIndex(new BucketWriter(building.toString(), features + 1), true)
        .collect();
    if (entries.isEmpty()) {
      throw new BadTableException(source.describe() + " has no rows");
    }

    List<Tuple2<String, int[]>> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparing(Tuple2::_1));
    int groups = sorted.size();
    String[] keys = new String[groups];
    int[] counts = new int[groups];
    int[] bucketOf = new int[groups];
    int[] firstRows = new int[groups];
    for (int g = 0; g < groups; g++) {
      keys[g] = sorted.get(g)._1();
      bucketOf[g] = sorted.get(g)._2()[0];
      firstRows[g] = sorted.get(g)._2()[1];
      counts[g] = sorted.get(g)._2()[2];
    }
    StoreIndex index = new StoreIndex(store.fingerprint(), new TableIndex(keys, counts, features, classes), bucketOf,
        firstRows, buckets);
    try (DataOutputStream out = new DataOutputStream(fs.create(new Path(building, TaskStoreFormat.INDEX), true))) {
      TaskStoreFormat.writeIndex(out, index);
    }
    if (!fs.rename(building, dir)) {
      throw new IOException("cannot rename " + building + " to " + dir);
    }
    return new Outcome(store, new StoreSummary(index.table(), index.table().totalRows()), false);
  }

  private static double[] values(Row row, int width) {
    double[] v = new double[width];
    for (int i = 0; i < width; i++) {
      v[i] = row.getDouble(1 + i);
    }
    return v;
  }

  /**
   * Writes one bucket (a partition of rows keyed by task key) and answers (key, [bucket, first row,
   * row count]) per group. The file is written under an attempt's own name and renamed into place,
   * so a retried or speculative attempt never leaves a half-written bucket; every attempt writes the
   * same bytes.
   */
  static final class BucketWriter
      implements Function2<Integer, Iterator<Tuple2<String, double[]>>, Iterator<Tuple2<String, int[]>>> {
    private final String directory;
    private final int width;

    BucketWriter(String directory, int width) {
      this.directory = directory;
      this.width = width;
    }

    @Override
    public Iterator<Tuple2<String, int[]>> call(Integer bucket, Iterator<Tuple2<String, double[]>> rows)
        throws IOException {
      TreeMap<String, List<double[]>> groups = new TreeMap<>();
      while (rows.hasNext()) {
        Tuple2<String, double[]> row = rows.next();
        groups.computeIfAbsent(row._1(), k -> new ArrayList<>()).add(row._2());
      }
      List<Tuple2<String, int[]>> entries = new ArrayList<>(groups.size());
      int total = groups.values().stream().mapToInt(List::size).sum();
      double[] flat = new double[Math.multiplyExact(total, width)];
      int next = 0;
      for (Map.Entry<String, List<double[]>> group : groups.entrySet()) {
        List<double[]> groupRows = group.getValue();
        groupRows.sort(BucketWriter::compareRows);
        entries.add(new Tuple2<>(group.getKey(), new int[] {bucket, next, groupRows.size()}));
        for (double[] row : groupRows) {
          System.arraycopy(row, 0, flat, next * width, width);
          next++;
        }
      }
      Path target = TaskStoreFormat.bucketFile(new Path(directory), bucket);
      FileSystem fs = target.getFileSystem(SparkHadoopConf.current());
      Path attempt = new Path(target.getParent(), target.getName() + ".attempt-" + TaskContext.get().taskAttemptId());
      try (DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(fs.create(attempt, true), 1 << 16))) {
        TaskStoreFormat.writeBucket(out, width, flat);
      }
      if (!fs.rename(attempt, target)) {
        // another attempt got there first, with the same bytes
        fs.delete(attempt, false);
        if (!fs.exists(target)) {
          throw new UncheckedIOException(new IOException("cannot rename " + attempt + " to " + target));
        }
      }
      return entries.iterator();
    }

    /** By value, column after column: a row order that only the rows decide. */
    private static int compareRows(double[] a, double[] b) {
      for (int i = 0; i < a.length; i++) {
        int c = Double.compare(a[i], b[i]);
        if (c != 0) {
          return c;
        }
      }
      return 0;
    }
  }
}
