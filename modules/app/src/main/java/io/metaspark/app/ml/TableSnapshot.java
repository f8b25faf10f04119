package io.metaspark.app.ml;

import io.metaspark.app.config.DataError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.functions;

/**
 * The rows fit trains on, written once as Parquet into the run directory, named by a digest of
 * their content: meta-training then reads a table exactly as {@code train} does (the same task
 * store, the same checks, the same parameters), every pass sees the same rows even if the
 * DataFrame is a query that would give others when recomputed, and a run directory refuses to
 * continue on other data (the table's location, and so the run's config, differ).
 */
final class TableSnapshot {
  /** Its location, its rows, and for classification its number of distinct labels (else 0). */
  record Taken(String location, long rows, long classes) {}

  private TableSnapshot() {}

  /**
   * Writes {@code table} (the group, feature and label columns) under {@code runRoot}, unless a
   * snapshot of the same content is already there: one pass to fingerprint it, one to write it.
   */
  static Taken take(Dataset<Row> table, String label, boolean classification, String runRoot, Configuration hadoop)
      throws IOException {
    Column[] all = new Column[table.columns().length];
    for (int i = 0; i < all.length; i++) {
      all[i] = functions.col("`" + table.columns()[i].replace("`", "``") + "`");
    }
    Column hash = functions.xxhash64(all);
    List<Column> digest = new ArrayList<>(List.of(
        functions.sum(hash.bitwiseAND(0xFFFFFFFFL)),
        functions.sum(functions.shiftRight(hash, 32).bitwiseAND(0xFFFFFFFFL))));
    if (classification) {
      digest.add(functions.countDistinct(functions.col("`" + label.replace("`", "``") + "`")));
    }
    Row summary = table.agg(functions.count(functions.lit(1)), digest.toArray(new Column[0])).first();
    long rows = summary.getLong(0);
    if (rows == 0) {
      throw new DataError("the table given to fit has no rows");
    }
    String id = digest(rows + ":" + summary.get(1) + ":" + summary.get(2) + ":" + table.schema().json());
    Path path = new Path(runRoot, "table-" + id);
    FileSystem fs = path.getFileSystem(hadoop);
    path = fs.makeQualified(path);
    if (!fs.exists(new Path(path, "_SUCCESS"))) {
      table.write().mode(SaveMode.Overwrite).parquet(path.toString());
    }
    return new Taken(path.toString(), rows, classification ? summary.getLong(3) : 0);
  }

  private static String digest(String text) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
