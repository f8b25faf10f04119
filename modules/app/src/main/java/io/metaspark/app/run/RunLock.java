package io.metaspark.app.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One writer per run directory. {@code lock} holds the owner's host, pid, a random token and a
 * heartbeat; it is created only if absent and its heartbeat replaced whole ({@link AtomicFileWriter}),
 * so a reader never sees it empty or torn. A thread of its own beats every quarter of the stale
 * limit (at most every minute), whatever the job is doing (building a task store, validating,
 * evaluating, training a baseline), so a live job never looks stale.
 *
 * <p>A lock is stale, and taken over with a warning, when its process is gone (same host) or its
 * heartbeat is older than the limit (another host). A lock that cannot be read, after a few tries,
 * is not proof of death: it is stale only when the file itself has not changed for the limit. Of
 * several jobs that find the same lock stale, one takes it over ({@link #takeOver}). A job deletes
 * or rewrites the lock only while it holds its own token, so one that lost its lock (taken over
 * while it hung past the limit) stops rather than write over the new owner.
 */
public final class RunLock implements AutoCloseable {
  static final String FILE = "lock";
  private static final Logger LOG = LoggerFactory.getLogger(RunLock.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int READS = 5;
  private static final long READ_PAUSE_MILLIS = 100;
  private static final Duration LONGEST_BEAT = Duration.ofMinutes(1);

  private final FileSystem fs;
  private final Path path;
  private final AtomicFileWriter files;
  private final String token = UUID.randomUUID().toString();
  private final Instant started = Instant.now();
  private ScheduledExecutorService beats;
  private volatile String lost;

  private RunLock(FileSystem fs, Path path) {
    this.fs = fs;
    this.path = path;
    this.files = new AtomicFileWriter(fs);
  }

  public static RunLock acquire(FileSystem fs, Path runDir, Duration staleAfter, Consumer<String> warn) throws IOException {
    RunLock lock = new RunLock(fs, new Path(runDir, FILE));
    Path claim = null;
    try {
      for (int attempt = 0; attempt < 3; attempt++) {
        if (lock.files.createIfAbsent(lock.path, lock.content())) {
          lock.beatEvery(beatInterval(staleAfter));
          Interruption.releaseOnExit(lock);
          return lock;
        }
        Owner owner = Owner.read(fs, lock.path);
        if (owner == null) {
          continue; // released meanwhile
        }
        String why = owner.staleness(staleAfter);
        if (why == null) {
          throw new RunLockedException(runDir + " is being written by another job: " + owner.describe()
              + " (if that job is dead on another host, the lock goes stale after " + staleAfter.toMinutes()
              + " minutes; or delete " + lock.path + ")");
        }
        if (claim == null) {
          claim = lock.takeOver(owner, staleAfter);
          if (claim != null) {
            warn.accept("taking over the stale lock of " + runDir + ": " + why);
          }
        }
      }
      throw new RunLockedException(runDir + " is being locked by other jobs at this moment: try again");
    } finally {
      if (claim != null) {
        fs.delete(claim, false);
      }
    }
  }

  /**
   * Removes the stale lock {@code owner} if this job is the one to take it over, and returns its
   * claim (to delete once this job's own lock exists), else null. Of several jobs that found the
   * same lock stale, the one that creates the claim named after it removes it; the claim stays
   * until the winner's lock exists, so a slower job that claims after it sees the new lock, not
   * the stale one, and leaves it alone. A claim left by a job that died mid-takeover goes stale
   * like a lock.
   */
  private Path takeOver(Owner owner, Duration staleAfter) throws IOException {
    Path claim = new Path(path.getParent(), "." + FILE + ".takeover-" + owner.id());
    if (!files.createIfAbsent(claim, content())) {
      try {
        if (System.currentTimeMillis() - fs.getFileStatus(claim).getModificationTime() > staleAfter.toMillis()) {
          fs.delete(claim, false);
        }
      } catch (FileNotFoundException e) {
        // the other job finished its takeover
      }
      return null;
    }
    Owner now = Owner.read(fs, path);
    if (now != null && now.sameAs(owner)) {
      fs.delete(path, false);
    }
    return claim;
  }

  private void beatEvery(Duration interval) {
    beats = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "metaspark-run-lock-heartbeat");
      t.setDaemon(true);
      return t;
    });
    long millis = interval.toMillis();
    beats.scheduleWithFixedDelay(this::beat, millis, millis, TimeUnit.MILLISECONDS);
  }

  /** A quarter of the stale limit, so three beats can be missed; at most a minute, at least 10 ms. */
  static Duration beatInterval(Duration staleAfter) {
    Duration quarter = staleAfter.dividedBy(4);
    return quarter.compareTo(LONGEST_BEAT) > 0 ? LONGEST_BEAT : quarter.toMillis() < 10 ? Duration.ofMillis(10) : quarter;
  }

  private synchronized void beat() {
    if (lost != null || beats == null) {
      return;
    }
    try {
      Owner owner = Owner.read(fs, path);
      if (owner == null || !token.equals(owner.token())) {
        lost = owner == null ? "the lock file was deleted" : "it is now held by " + owner.describe();
        LOG.error("lost the run's lock {}: {}", path, lost);
        return;
      }
      files.replace(path, content());
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot refresh the heartbeat of {} (will retry): {}", path, e.toString());
    }
  }

  /** Throws when another job holds the run now: this one must stop writing to it. */
  public void requireHeld() throws RunLockedException {
    if (lost != null) {
      throw new RunLockedException("this job lost the lock of " + path.getParent() + " (" + lost
          + "): stopping without writing to the run");
    }
  }

  /** Stops beating and deletes the lock, if it is still this job's own. */
  @Override
  public synchronized void close() throws IOException {
    if (beats == null) {
      return;
    }
    beats.shutdownNow();
    beats = null;
    Interruption.released(this);
    Owner owner = Owner.read(fs, path);
    if (owner != null && token.equals(owner.token())) {
      fs.delete(path, false);
    }
  }

  private byte[] content() throws IOException {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("host", host());
    c.put("pid", ProcessHandle.current().pid());
    c.put("token", token);
    c.put("started", started.toString());
    c.put("heartbeat", Instant.now().toString());
    return JSON.writeValueAsString(c).getBytes(StandardCharsets.UTF_8);
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown-host";
    }
  }

  /** A lock file as read: its content (null if unreadable) and when it last changed. */
  private record Owner(JsonNode content, long modifiedMillis) {
    /** The lock at {@code path}, read patiently (a moment's unreadable content is retried); null if there is none. */
    static Owner read(FileSystem fs, Path path) throws IOException {
      for (int attempt = 1; ; attempt++) {
        FileStatus status;
        try {
          status = fs.getFileStatus(path);
        } catch (FileNotFoundException e) {
          return null;
        }
        JsonNode content = null;
        try (InputStream in = fs.open(path)) {
          JsonNode parsed = JSON.readTree(in);
          content = parsed != null && parsed.isObject() ? parsed : null;
        } catch (FileNotFoundException e) {
          return null;
        } catch (IOException | RuntimeException e) {
          // empty, torn or half-written: read again in a moment
        }
        if (content != null || attempt == READS) {
          return new Owner(content, status.getModificationTime());
        }
        try {
          Thread.sleep(READ_PAUSE_MILLIS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return new Owner(null, status.getModificationTime());
        }
      }
    }

    String token() {
      return content == null ? null : content.path("token").asText(null);
    }

    /** What names this lock among others: its token, or for an unreadable one, when it last changed. */
    String id() {
      String token = token();
      return token != null && token.matches("[A-Za-z0-9-]+") ? token : "unreadable-" + modifiedMillis;
    }

    boolean sameAs(Owner other) {
      return content == null ? other.content == null && modifiedMillis == other.modifiedMillis
          : content.equals(other.content);
    }

    /** Why the lock is stale, or null when it may be held by a live job. */
    String staleness(Duration staleAfter) {
      if (content == null) {
        Duration unchanged = Duration.ofMillis(System.currentTimeMillis() - modifiedMillis);
        return unchanged.compareTo(staleAfter) > 0
            ? "its content is unreadable and it has not changed for " + unchanged.toMinutes() + " minutes" : null;
      }
      long pid = content.path("pid").asLong();
      if (host().equals(content.path("host").asText()) && ProcessHandle.of(pid).isEmpty()) {
        return "process " + pid + " on this host has ended";
      }
      Instant beat;
      try {
        beat = Instant.parse(content.path("heartbeat").asText(Instant.EPOCH.toString()));
      } catch (java.time.DateTimeException e) {
        beat = Instant.ofEpochMilli(modifiedMillis);
      }
      Duration age = Duration.between(beat, Instant.now());
      return age.compareTo(staleAfter) > 0 ? "no heartbeat for " + age.toMinutes() + " minutes" : null;
    }

    String describe() {
      return content == null ? "an unreadable lock" : "pid " + content.path("pid").asLong() + " on "
          + content.path("host").asText() + ", started " + content.path("started").asText() + ", last heartbeat "
          + content.path("heartbeat").asText();
    }
  }

  /** Another live job holds the run, or took it from this one. Exit code 5. */
  public static final class RunLockedException extends IOException {
    RunLockedException(String message) {
      super(message);
    }
  }
}
