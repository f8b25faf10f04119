package io.metaspark.app.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run lock under the races a nightly job meets: concurrent starts, rapid polling, takeovers. */
class RunLockTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration HOUR = Duration.ofHours(1);

  @TempDir
  Path dir;

  private FileSystem fs;
  private org.apache.hadoop.fs.Path runDir;
  private final List<String> warnings = new CopyOnWriteArrayList<>();

  @BeforeEach
  void open() throws IOException {
    RunDirectory run = RunDirectory.openOrCreate(dir.toString(), "run", new Configuration());
    fs = run.fs();
    runDir = run.root();
  }

  private Path lockFile() {
    return dir.resolve("run").resolve(RunLock.FILE);
  }

  /** Starts at the same moment, on a lock that is free or stale: exactly one job gets the run. */
  @Test
  void ofManyConcurrentStartsExactlyOneGetsTheRun() throws Exception {
    for (int round = 0; round < 10; round++) {
      boolean staleFirst = round % 2 == 1;
      if (staleFirst) {
        Process dead = new ProcessBuilder("true").start();
        dead.onExit().join();
        Files.writeString(lockFile(), owner(dead.pid(), Instant.now()));
      }
      int starts = 16;
      CyclicBarrier together = new CyclicBarrier(starts);
      ExecutorService pool = Executors.newFixedThreadPool(starts);
      List<Future<RunLock>> outcomes = new ArrayList<>();
      for (int i = 0; i < starts; i++) {
        outcomes.add(pool.submit(() -> {
          together.await();
          try {
            return RunLock.acquire(fs, runDir, HOUR, warnings::add);
          } catch (RunLock.RunLockedException e) {
            return null;
          }
        }));
      }
      List<RunLock> holders = new ArrayList<>();
      for (Future<RunLock> f : outcomes) {
        if (f.get() != null) {
          holders.add(f.get());
        }
      }
      pool.shutdown();
      assertEquals(1, holders.size(), (staleFirst ? "stale lock: " : "free run: ") + holders.size() + " holders");
      holders.get(0).close();
      try (var left = Files.list(dir.resolve("run"))) {
        assertEquals(List.of(), left.toList(), "no lock, temporary or takeover file left");
      }
    }
  }

  /** The heartbeat replaces the lock whole: a reader polling as fast as it can never sees it empty or torn. */
  @Test
  void rapidPollingNeverSeesAnEmptyOrTornLock() throws Exception {
    try (RunLock lock = RunLock.acquire(fs, runDir, Duration.ofMillis(40), warnings::add)) {
      String token = token();
      Instant firstBeat = heartbeat();
      long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
      int polls = 0;
      while (System.nanoTime() < deadline) {
        byte[] bytes = Files.readAllBytes(lockFile());
        JsonNode owner = JSON.readTree(bytes); // an empty or torn file throws here
        assertTrue(owner != null && token.equals(owner.path("token").asText()), new String(bytes));
        polls++;
      }
      assertTrue(polls > 1000, polls + " polls");
      assertTrue(heartbeat().isAfter(firstBeat), "it beat meanwhile, untouched by the test");
    }
  }

  /** A live job's lock is never taken: not while it beats, not when a read finds it empty. */
  @Test
  void aSecondJobNeverTakesOverALiveOne() throws Exception {
    // a job that has not beaten for far longer than its beat interval, doing one long phase
    try (RunLock first = RunLock.acquire(fs, runDir, Duration.ofSeconds(1), warnings::add)) {
      Thread.sleep(3000);
      assertTrue(Duration.between(heartbeat(), Instant.now()).toMillis() < 1000, "beats on its own: " + heartbeat());
      RunLock.RunLockedException e = assertThrows(RunLock.RunLockedException.class,
          () -> RunLock.acquire(fs, runDir, Duration.ofSeconds(1), warnings::add));
      assertTrue(e.getMessage().contains("being written by another job"), e.getMessage());
    }

    // an empty lock (a writer caught between create and write on a file system without atomic
    // create) is not proof of death: live until it has not changed for run.stale-lock-after
    Files.writeString(lockFile(), "");
    assertThrows(RunLock.RunLockedException.class, () -> RunLock.acquire(fs, runDir, HOUR, warnings::add));
    Files.setLastModifiedTime(lockFile(), FileTime.from(Instant.now().minus(Duration.ofHours(2))));
    try (RunLock taken = RunLock.acquire(fs, runDir, HOUR, warnings::add)) {
      assertTrue(warnings.stream().anyMatch(w -> w.contains("unreadable") && w.contains("not changed")),
          warnings.toString());
    }

    // another host's job with a fresh heartbeat is live whatever the pid
    Files.writeString(lockFile(), owner(1, Instant.now()).replace(host(), "some-other-host"));
    assertThrows(RunLock.RunLockedException.class, () -> RunLock.acquire(fs, runDir, HOUR, warnings::add));
  }

  /** A job that lost its lock (taken over as stale while it hung) neither deletes nor overwrites the new owner's. */
  @Test
  void closeDeletesOnlyItsOwnLockAndALostLockIsReported() throws Exception {
    RunLock lock = RunLock.acquire(fs, runDir, Duration.ofMillis(100), warnings::add);
    String other = owner(ProcessHandle.current().pid(), Instant.now()).replace("\"token\":\"t\"",
        "\"token\":\"someone-else\"");
    Files.writeString(lockFile(), other);
    Thread.sleep(300);
    RunLock.RunLockedException lost = assertThrows(RunLock.RunLockedException.class, lock::requireHeld);
    assertTrue(lost.getMessage().contains("lost"), lost.getMessage());
    lock.close();
    assertEquals(other, Files.readString(lockFile()), "the new owner's lock is untouched");
  }

  private String token() throws IOException {
    return JSON.readTree(Files.readAllBytes(lockFile())).path("token").asText();
  }

  private Instant heartbeat() throws IOException {
    return Instant.parse(JSON.readTree(Files.readAllBytes(lockFile())).path("heartbeat").asText());
  }

  private static String owner(long pid, Instant beat) {
    return "{\"host\":\"" + host() + "\",\"pid\":" + pid + ",\"token\":\"t\",\"started\":\"2026-01-01T00:00:00Z\","
        + "\"heartbeat\":\"" + beat + "\"}";
  }

  private static String host() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
