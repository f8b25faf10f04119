package io.metaspark.app;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A run's checkpoints, {@code checkpoints/ckpt-<next iteration>.msck}, on any Hadoop file system.
 *
 * <p>Each is written to a hidden temporary name and renamed to its own, never existing, final name
 * (HDFS and S3A refuse to rename onto a file): a crash mid-write leaves only a temporary file,
 * which readers ignore. The newest file that verifies wins; any newer that does not is reported
 * and skipped. After a write, all but the newest {@code keep} are deleted.
 */
final class CheckpointStore {
  private static final Pattern NAME = Pattern.compile("ckpt-(\\d{12})\\.msck");

  private final FileSystem fs;
  private final Path dir;
  private final int keep;

  CheckpointStore(FileSystem fs, Path dir, int keep) throws IOException {
    if (keep < 1) {
      throw new IllegalArgumentException("keep at least one checkpoint, got " + keep);
    }
    this.fs = fs;
    this.dir = dir;
    this.keep = keep;
    fs.mkdirs(dir);
  }

  Path write(Checkpoint checkpoint) throws IOException {
    String name = String.format("ckpt-%012d.msck", checkpoint.nextIteration());
    Path target = new Path(dir, name);
    Path temporary = new Path(dir, "." + name + ".tmp");
    byte[] bytes = CheckpointFormat.encode(checkpoint);
    try (FSDataOutputStream out = fs.create(temporary, true)) {
      out.write(bytes);
    }
    if (fs.exists(target)) {
      // the same iteration written again (a resumed run that redid it): the content is identical
      fs.delete(target, false);
    }
    if (!fs.rename(temporary, target)) {
      throw new IOException("cannot rename " + temporary + " to " + target);
    }
    prune();
    return target;
  }

  /** The newest checkpoint that verifies; each newer one that does not is passed to {@code skipped}. */
  Optional<Checkpoint> newestValid(Consumer<String> skipped) throws IOException {
    for (Path file : checkpointsNewestFirst()) {
      byte[] bytes;
      try (InputStream in = fs.open(file)) {
        bytes = in.readAllBytes();
      } catch (IOException e) {
        // e.g. a ChecksumException: the file system itself found the file damaged
        skipped.accept(file + ": unreadable (" + e.getMessage() + ")");
        continue;
      }
      try {
        Checkpoint c = CheckpointFormat.decode(bytes);
        long named = iterationOf(file.getName());
        if (c.nextIteration() != named) {
          skipped.accept(file + ": holds iteration " + c.nextIteration() + " but is named for " + named);
          continue;
        }
        return Optional.of(c);
      } catch (CheckpointFormat.CorruptCheckpointException e) {
        skipped.accept(file + ": " + e.getMessage());
      }
    }
    return Optional.empty();
  }

  List<Path> checkpointsNewestFirst() throws IOException {
    List<Path> files = new ArrayList<>();
    if (fs.exists(dir)) {
      for (FileStatus status : fs.listStatus(dir)) {
        if (status.isFile() && NAME.matcher(status.getPath().getName()).matches()) {
          files.add(status.getPath());
        }
      }
    }
    files.sort(Comparator.comparingLong((Path p) -> iterationOf(p.getName())).reversed());
    return files;
  }

  private void prune() throws IOException {
    List<Path> files = checkpointsNewestFirst();
    for (Path old : files.subList(Math.min(keep, files.size()), files.size())) {
      fs.delete(old, false);
    }
  }

  private static long iterationOf(String name) {
    Matcher m = NAME.matcher(name);
    if (!m.matches()) {
      throw new IllegalArgumentException(name);
    }
    return Long.parseLong(m.group(1));
  }
}
