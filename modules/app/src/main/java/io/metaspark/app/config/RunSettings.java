package io.metaspark.app.config;

import java.time.Duration;
import java.util.List;

/** {@code run}: where the run lives, its seed, and how it shares and gives up its directory. */
public record RunSettings(String dir, String name, long seed, Duration staleLockAfter, Duration stopGracePeriod) {
  public static final Key<String> DIR = Key.trimmed("run.dir", "runs",
      "the run directory is <dir>/<name>: any Hadoop URI (file://, hdfs://, s3a://) or local path")
      .check(Check.nonEmpty()).changeableOnResume();
  public static final Key<String> NAME = Key.trimmed("run.name", "run",
      "the run's name; train with the same name again resumes it from its newest valid checkpoint")
      .check(Check.nonEmpty())
      .check((path, name) -> name.matches("[A-Za-z0-9._-]+") ? null
          : path + " '" + name + "' may only contain letters, digits, '.', '_' and '-'");
  public static final Key<Long> SEED = Key.longInteger("run.seed", 42,
      "task sampling and everything derived from it: a run is a pure function of its config and seed");
  public static final Key<Duration> STALE_LOCK_AFTER = Key.duration("run.stale-lock-after", Duration.ofMinutes(30),
      "the run's lock is taken over when its process is gone (same host) or its heartbeat is older than this")
      .check(Check.that(d -> !d.isNegative() && !d.isZero(), "positive")).changeableOnResume();
  public static final Key<Duration> STOP_GRACE_PERIOD = Key.duration("run.stop-grace-period", Duration.ofSeconds(25),
      "on SIGTERM or SIGINT the iteration in flight finishes and is checkpointed if this long has not passed")
      .check(Check.that(d -> !d.isNegative(), ">= 0")).changeableOnResume();
  static final List<Key<?>> KEYS = List.of(DIR, NAME, SEED, STALE_LOCK_AFTER, STOP_GRACE_PERIOD);

  static RunSettings read(Values v) {
    return new RunSettings(v.get(DIR), v.get(NAME), v.get(SEED), v.get(STALE_LOCK_AFTER), v.get(STOP_GRACE_PERIOD));
  }
}
