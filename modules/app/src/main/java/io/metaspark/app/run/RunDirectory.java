package io.metaspark.app.run;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * One run's directory on any Hadoop file system (local path, file://, hdfs://, s3a://). Files are
 * written under a temporary name and renamed, so a crash never leaves a half-written file under
 * its real name.
 */
public final class RunDirectory {
  /** What a run directory holds, besides the lock ({@link RunLock}). */
  public static final String CHECKPOINTS = "checkpoints";
  public static final String FINAL = "final";
  public static final String METRICS = "metrics.jsonl";
  public static final String EVALUATION = "evaluation.json";

  private final FileSystem fs;
  private final Path root;

  private RunDirectory(FileSystem fs, Path root) {
    this.fs = fs;
    this.root = root;
  }

  /** {@code <base>/<name>}, created if it does not exist yet. */
  public static RunDirectory openOrCreate(String base, String name, Configuration hadoop) throws IOException {
    return openOrCreate(new Path(new Path(base), name), hadoop);
  }

  /** A directory for output, created if it does not exist yet. */
  public static RunDirectory openOrCreate(String dir, Configuration hadoop) throws IOException {
    return openOrCreate(new Path(dir), hadoop);
  }

  private static RunDirectory openOrCreate(Path root, Configuration hadoop) throws IOException {
    FileSystem fs = quiet(root.getFileSystem(hadoop));
    if (!fs.isDirectory(root) && !fs.mkdirs(root)) {
      throw new IOException("cannot create run directory " + root);
    }
    return new RunDirectory(fs, fs.makeQualified(root));
  }

  public boolean exists(String relative) throws IOException {
    return fs.exists(path(relative));
  }

  public static RunDirectory open(String dir, Configuration hadoop) throws IOException {
    Path path = new Path(dir);
    FileSystem fs = quiet(path.getFileSystem(hadoop));
    if (!fs.isDirectory(path)) {
      throw new IOException("no such directory: " + dir);
    }
    return new RunDirectory(fs, fs.makeQualified(path));
  }

  /** The local file system's .crc side files mean nothing to a user reading a run directory. */
  private static FileSystem quiet(FileSystem fs) {
    fs.setWriteChecksum(false);
    return fs;
  }

  public Path root() {
    return root;
  }

  public Path path(String relative) {
    return new Path(root, relative);
  }

  public FileSystem fs() {
    return fs;
  }

  /** The directory this one is in (a run's, for its final/). */
  public RunDirectory parent() {
    return new RunDirectory(fs, root.getParent());
  }

  /** A subdirectory, created if missing. */
  public RunDirectory child(String name) throws IOException {
    Path p = path(name);
    fs.mkdirs(p);
    return new RunDirectory(fs, p);
  }

  public void writeString(String relative, String content) throws IOException {
    writeAtomically(relative, out -> out.write(content.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * Writes under a hidden temporary name, then renames: a crash mid-write never leaves a partial
   * file under the real name. (HDFS and S3A refuse to rename onto an existing file, hence the
   * delete first; the short window without the file is only ever hit by a rewrite of the same
   * content or by replacing a file that the next run rewrites anyway.)
   */
  public void writeAtomically(String relative, Writer writer) throws IOException {
    Path target = path(relative);
    Path temporary = path("." + relative + ".tmp");
    try (FSDataOutputStream out = fs.create(temporary, true)) {
      writer.write(out);
    }
    if (fs.exists(target)) {
      fs.delete(target, false);
    }
    if (!fs.rename(temporary, target)) {
      throw new IOException("cannot rename " + temporary + " to " + target);
    }
  }

  /** Creates (or replaces) a file to write lines to as they come, e.g. metrics.jsonl. */
  public FSDataOutputStream createLog(String relative) throws IOException {
    return fs.create(path(relative), true);
  }

  /** The file's lines, or none if it does not exist. */
  public java.util.List<String> readLines(String relative) throws IOException {
    if (!exists(relative)) {
      return java.util.List.of();
    }
    try (java.io.InputStream in = fs.open(path(relative))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
  }

  /** Writes a file's content to a stream. */
  @FunctionalInterface
  public interface Writer {
    void write(OutputStream out) throws IOException;
  }

  /** Local runs as a plain path (relative to the working directory when under it); others as their URI. */
  @Override
  public String toString() {
    if (!"file".equals(root.toUri().getScheme())) {
      return root.toString();
    }
    java.nio.file.Path local = java.nio.file.Path.of(root.toUri().getPath());
    java.nio.file.Path cwd = java.nio.file.Path.of("").toAbsolutePath();
    return local.startsWith(cwd) ? cwd.relativize(local).toString() : local.toString();
  }
}
