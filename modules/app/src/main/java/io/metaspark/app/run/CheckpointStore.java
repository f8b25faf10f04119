package io.metaspark.app.run;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

/**
 * A run's checkpoints, {@code checkpoints/ckpt-<next iteration>.msck}, on any Hadoop file system:
 * those in {@code dir}, of which the newest {@code keep} are kept.
 *
 * <p>Each is written atomically ({@link RunDirectory#writeAtomically}) under a name of its own: a
 * crash mid-write leaves only a temporary file, which readers ignore. The newest file that
 * verifies wins; any newer that does not is reported and skipped. After a write, all but the
 * newest {@code keep} are deleted.
 */
public record CheckpointStore(RunDirectory dir, int keep) {
  private static final Pattern NAME = Pattern.compile("ckpt-(\\d{12})\\.msck");

  public CheckpointStore {
    if (keep < 1) {
      throw new IllegalArgumentException("keep at least one checkpoint, got " + keep);
    }
  }

  public Path write(Checkpoint checkpoint) throws IOException {
    String name = String.format("ckpt-%012d.msck", checkpoint.nextIteration());
    byte[] bytes = CheckpointFormat.encode(checkpoint);
    // a resumed run that redoes an iteration writes the same content under the same name again
    dir.writeAtomically(name, out -> out.write(bytes));
    prune();
    return dir.path(name);
  }

  /** The newest checkpoint that verifies; each newer one that does not is passed to {@code skipped}. */
  public Optional<Checkpoint> newestValid(Consumer<String> skipped) throws IOException {
    for (Path file : checkpointsNewestFirst()) {
      byte[] bytes;
      try (InputStream in = dir.fs().open(file)) {
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
    if (dir.fs().exists(dir.root())) {
      for (FileStatus status : dir.fs().listStatus(dir.root())) {
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
      dir.fs().delete(old, false);
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
