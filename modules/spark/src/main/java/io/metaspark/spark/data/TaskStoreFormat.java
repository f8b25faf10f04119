package io.metaspark.spark.data;

import io.metaspark.core.task.table.TableIndex;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Locale;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.PositionedReadable;

/**
 * The task store's files. {@code bucket-NNNNN.bin}: a header (magic, row width, row count), then
 * the rows of the bucket's groups as big-endian doubles, group after group in key order.
 * {@code index.bin}, written last (its presence means the store is complete): the fingerprint, the
 * feature count, the class values (classification), and per group its key, bucket, first row and
 * row count. An explicit format, never Java serialization, so a store outlives code changes.
 */
final class TaskStoreFormat {
  static final String INDEX = "index.bin";
  private static final int BUCKET_MAGIC = 0x4D534231; // "MSB1"
  private static final int INDEX_MAGIC = 0x4D534931; // "MSI1"
  /** A bucket file's header: magic, row width, row count. */
  private static final int HEADER_BYTES = 3 * Integer.BYTES;

  private TaskStoreFormat() {}

  static Path bucketFile(Path store, int bucket) {
    return new Path(store, String.format(Locale.ROOT, "bucket-%05d.bin", bucket));
  }

  static void writeBucket(DataOutputStream out, int width, double[] rows) throws IOException {
    out.writeInt(BUCKET_MAGIC);
    out.writeInt(width);
    out.writeInt(rows.length / width);
    for (double v : rows) {
      out.writeDouble(v);
    }
  }

  static double[] readBucket(DataInputStream in, int width, String file) throws IOException {
    if (in.readInt() != BUCKET_MAGIC) {
      throw new IOException(file + " is not a metaspark task store bucket");
    }
    int storedWidth = in.readInt();
    if (storedWidth != width) {
      throw new IOException(file + " has rows of " + storedWidth + " values, the index says " + width);
    }
    double[] rows = new double[Math.multiplyExact(in.readInt(), width)];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = in.readDouble();
    }
    return rows;
  }

  /**
   * Rows {@code [firstRow, firstRow + count)} of a bucket file, with positioned reads: the header,
   * then those rows alone, checked against the header's row count.
   */
  static double[] readGroup(PositionedReadable in, int width, int firstRow, int count, String file)
      throws IOException {
    ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
    in.readFully(0, header.array());
    if (header.getInt() != BUCKET_MAGIC) {
      throw new IOException(file + " is not a metaspark task store bucket");
    }
    int storedWidth = header.getInt();
    if (storedWidth != width) {
      throw new IOException(file + " has rows of " + storedWidth + " values, the index says " + width);
    }
    int storedRows = header.getInt();
    if (firstRow < 0 || count < 0 || (long) firstRow + count > storedRows) {
      throw new IOException(file + " has " + storedRows + " rows, the index wants rows " + firstRow + " to "
          + ((long) firstRow + count));
    }
    ByteBuffer values = ByteBuffer.allocate(Math.multiplyExact(Math.multiplyExact(count, width), Double.BYTES));
    in.readFully(HEADER_BYTES + (long) firstRow * width * Double.BYTES, values.array());
    double[] rows = new double[count * width];
    values.asDoubleBuffer().get(rows);
    return rows;
  }

  static void writeIndex(DataOutputStream out, StoreIndex index) throws IOException {
    TableIndex table = index.table();
    out.writeInt(INDEX_MAGIC);
    out.writeUTF(index.fingerprint());
    out.writeInt(index.bucketCount());
    out.writeInt(table.featureCount());
    double[] classes = table.classValues();
    out.writeInt(classes == null ? -1 : classes.length);
    if (classes != null) {
      for (double c : classes) {
        out.writeDouble(c);
      }
    }
    out.writeInt(table.groupCount());
    for (int g = 0; g < table.groupCount(); g++) {
      out.writeUTF(table.keys()[g]);
      out.writeInt(index.buckets()[g]);
      out.writeInt(index.firstRows()[g]);
      out.writeInt(table.rowCounts()[g]);
    }
  }

  static StoreIndex readIndex(DataInputStream in, String file) throws IOException {
    if (in.readInt() != INDEX_MAGIC) {
      throw new IOException(file + " is not a metaspark task store index");
    }
    String fingerprint = in.readUTF();
    int bucketCount = in.readInt();
    int features = in.readInt();
    int classCount = in.readInt();
    double[] classes = null;
    if (classCount >= 0) {
      classes = new double[classCount];
      for (int c = 0; c < classCount; c++) {
        classes[c] = in.readDouble();
      }
    }
    int groups = in.readInt();
    String[] keys = new String[groups];
    int[] buckets = new int[groups];
    int[] firstRows = new int[groups];
    int[] counts = new int[groups];
    for (int g = 0; g < groups; g++) {
      keys[g] = in.readUTF();
      buckets[g] = in.readInt();
      firstRows[g] = in.readInt();
      counts[g] = in.readInt();
    }
    return new StoreIndex(fingerprint, new TableIndex(keys, counts, features, classes), buckets, firstRows, bucketCount);
  }
}
