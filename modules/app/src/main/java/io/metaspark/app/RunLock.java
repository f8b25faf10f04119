package io.metaspark.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * One writer per run directory: {@code lock} is created exclusively (an atomic create-if-absent on
 * HDFS and local disks) and holds the owner's host, pid and a heartbeat refreshed as training
 * goes. A lock is stale, and taken over with a warning, when its process is gone (same host) or
 * its heartbeat is older than the configured limit (another host).
 */
final class RunLock implements AutoCloseable {
  static final String FILE = "lock";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final FileSystem fs;
  private final Path path;
  private final Instant started = Instant.now();

  private RunLock(FileSystem fs, Path path) {
    this.fs = fs;
    this.path = path;
  }

  static RunLock acquire(FileSystem fs, Path runDir, Duration staleAfter, java.util.function.Consumer<String> warn)
      throws IOException {
    Path path = new Path(runDir, FILE);
    RunLock lock = new RunLock(fs, path);
    for (int attempt = 0; attempt < 2; attempt++) {
      try (FSDataOutputStream out = fs.create(path, false)) {
        out.write(lock.content());
        return lock;
      } catch (FileAlreadyExistsException e) {
        String why = staleness(fs, path, staleAfter);
        if (why == null) {
          throw new RunLockedException(runDir + " is being written by another job: " + describe(fs, path)
              + " (if that job is dead on another host, the lock goes stale after " + staleAfter.toMinutes()
              + " minutes; or delete " + path + ")");
        }
        warn.accept("taking over the stale lock of " + runDir + ": " + why);
        fs.delete(path, false);
      } catch (IOException e) {
        // some file systems report an existing file with a plain IOException
        if (!fs.exists(path)) {
          throw e;
        }
        if (attempt == 1 || staleness(fs, path, staleAfter) == null) {
          throw new RunLockedException(runDir + " is being written by another job: " + describe(fs, path));
        }
        fs.delete(path, false);
      }
    }
    throw new RunLockedException("cannot lock " + runDir);
  }

  /** Refreshes the heartbeat, so a live job's lock never looks stale. */
  void heartbeat() throws IOException {
    try (FSDataOutputStream out = fs.create(path, true)) {
      out.write(content());
    }
  }

  @Override
  public void close() throws IOException {
    fs.delete(path, false);
  }

  private byte[] content() throws IOException {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("host", host());
    c.put("pid", ProcessHandle.current().pid());
    c.put("started", started.toString());
    c.put("heartbeat", Instant.now().toString());
    return JSON.writeValueAsString(c).getBytes(StandardCharsets.UTF_8);
  }

  /** Why the lock is stale, or null when it is held by a live job. */
  private static String staleness(FileSystem fs, Path path, Duration staleAfter) throws IOException {
    JsonNode owner = read(fs, path);
    if (owner == null) {
      return "its content is unreadable";
    }
    if (host().equals(owner.path("host").asText()) && ProcessHandle.of(owner.path("pid").asLong()).isEmpty()) {
      return "process " + owner.path("pid").asLong() + " on this host has ended";
    }
    Instant beat = Instant.parse(owner.path("heartbeat").asText(Instant.EPOCH.toString()));
    Duration age = Duration.between(beat, Instant.now());
    return age.compareTo(staleAfter) > 0 ? "no heartbeat for " + age.toMinutes() + " minutes" : null;
  }

  private static String describe(FileSystem fs, Path path) throws IOException {
    JsonNode owner = read(fs, path);
    return owner == null ? "unreadable lock" : "pid " + owner.path("pid").asLong() + " on " + owner.path("host").asText()
        + ", started " + owner.path("started").asText() + ", last heartbeat " + owner.path("heartbeat").asText();
  }

  private static JsonNode read(FileSystem fs, Path path) throws IOException {
    try (InputStream in = fs.open(path)) {
      return JSON.readTree(in);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown-host";
    }
  }

  /** Another live job holds the run. Exit code 5. */
  static final class RunLockedException extends IOException {
    RunLockedException(String message) {
      super(message);
    }
  }
}
