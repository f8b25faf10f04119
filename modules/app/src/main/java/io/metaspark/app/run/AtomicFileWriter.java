package io.metaspark.app.run;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.hdfs.DistributedFileSystem;

/**
 * A small file written so that a reader sees it whole or not at all, and created only if absent,
 * with each file system's own atomic operation. Hadoop's generic {@code create(path, false)} is
 * neither: on local disk it checks and then creates (two jobs can both succeed), and everywhere
 * the file exists, empty, before its content is written.
 *
 * <ul>
 *   <li>HDFS: the content goes to a temporary file, then {@code rename} (which refuses an existing
 *       target: create-if-absent) or {@code rename(..., OVERWRITE)} (replace), both atomic on the
 *       NameNode.
 *   <li>Local disk: a temporary file, then a hard link to the target (fails if it exists) or an
 *       atomic move over it (POSIX rename).
 *   <li>Object stores (S3A and any other): an object appears whole when its upload completes, so
 *       a replace is a plain overwrite; but there is no create-if-absent, only check-then-create,
 *       so two jobs starting within the same moment can both create. Guard such runs with the
 *       scheduler (one active run).
 * </ul>
 */
final class AtomicFileWriter {
  private final FileSystem fs;

  AtomicFileWriter(FileSystem fs) {
    this.fs = fs;
  }

  /** Creates {@code target} with {@code content} unless it exists; whether it did. */
  boolean createIfAbsent(Path target, byte[] content) throws IOException {
    if (hdfs() != null) {
      Path temporary = temporaryBeside(target);
      write(temporary, content);
      if (fs.rename(temporary, target)) {
        return true;
      }
      fs.delete(temporary, false);
      // refused because the target existed at that moment (it may be gone again already)
      if (!fs.isDirectory(target.getParent())) {
        throw new IOException("cannot create " + target + ": no directory " + target.getParent());
      }
      return false;
    }
    java.nio.file.Path local = local(target);
    if (local != null) {
      java.nio.file.Path temporary = local.resolveSibling("." + local.getFileName() + "." + UUID.randomUUID() + ".tmp");
      Files.write(temporary, content);
      try {
        Files.createLink(local, temporary);
        return true;
      } catch (FileAlreadyExistsException e) {
        return false;
      } finally {
        Files.deleteIfExists(temporary);
      }
    }
    if (fs.exists(target)) {
      return false;
    }
    try (FSDataOutputStream out = fs.create(target, false)) {
      out.write(content);
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
      return false;
    }
    return true;
  }

  /** Replaces {@code target}'s content in one step: a reader sees the old or the new content, never part. */
  void replace(Path target, byte[] content) throws IOException {
    DistributedFileSystem dfs = hdfs();
    if (dfs != null) {
      Path temporary = temporaryBeside(target);
      write(temporary, content);
      dfs.rename(temporary, target, Options.Rename.OVERWRITE);
      return;
    }
    java.nio.file.Path local = local(target);
    if (local != null) {
      java.nio.file.Path temporary = local.resolveSibling("." + local.getFileName() + "." + UUID.randomUUID() + ".tmp");
      Files.write(temporary, content);
      try {
        Files.move(temporary, local, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.deleteIfExists(temporary);
        throw new IOException("cannot replace " + target + " atomically on this disk", e);
      }
      return;
    }
    write(target, content); // an object store publishes the object whole when the upload completes
  }

  private void write(Path file, byte[] content) throws IOException {
    try (OutputStream out = fs.create(file, true)) {
      out.write(content);
    }
  }

  private static Path temporaryBeside(Path target) {
    return new Path(target.getParent(), "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
  }

  private DistributedFileSystem hdfs() {
    return fs instanceof DistributedFileSystem d ? d : null;
  }

  /** The java.nio path of a file on local disk, or null on any other file system. */
  private java.nio.file.Path local(Path path) {
    if (fs instanceof LocalFileSystem || fs instanceof RawLocalFileSystem) {
      return java.nio.file.Path.of(fs.makeQualified(path).toUri());
    }
    return null;
  }
}
