package io.metaspark.app.run;

import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT as a scheduler or a user sends them: YARN and Kubernetes stop a container
 * with SIGTERM and kill it after a grace period. While training iterations run, a signal is a
 * request to stop gracefully: the iteration in flight finishes, a checkpoint of its state is
 * written and the lock released, and the job exits with the signal's code (143, 130). If that has
 * not happened within the grace period ({@code run.stop-grace-period}), or the job is in any other
 * phase, or a second signal comes, it exits at once. Either way it says so in one line, without a
 * stack trace, and releases the run's lock, so the same command resumes on any host.
 *
 * <p>The handlers replace the JVM's own (which runs the shutdown hooks and exits), so nothing else
 * reacts to the signal first; {@link #install} is called by the command line's {@code main} only.
 */
public final class Interruption {
  private static final AtomicReference<String> SIGNAL = new AtomicReference<>();
  private static final AtomicBoolean REPORTED = new AtomicBoolean();
  private static final List<AutoCloseable> RELEASE_ON_EXIT = new CopyOnWriteArrayList<>();
  private static volatile Duration grace;
  /** The grace period in force when the signal came. */
  private static volatile Duration signalGrace;
  private static volatile long receivedNanos;

  private Interruption() {}

  public static void install() {
    for (String name : List.of("TERM", "INT")) {
      Signal.handle(new Signal(name), s -> received(s.getName()));
    }
  }

  private static void received(String name) {
    if (!SIGNAL.compareAndSet(null, name)) {
      exitNow(); // a second signal: stop waiting
      return;
    }
    receivedNanos = System.nanoTime();
    Duration allowed = grace;
    signalGrace = allowed;
    if (allowed == null) {
      exitNow();
      return;
    }
    Thread watchdog = new Thread(() -> {
      try {
        Thread.sleep(allowed.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exitNow();
    }, "metaspark-stop-grace-period");
    watchdog.setDaemon(true);
    watchdog.start();
  }

  /** While training iterations run: a signal then asks them to stop, and is given {@code period} to. */
  public static void allowGracefulStop(Duration period) {
    grace = period;
  }

  /** Leaving the training loop: a signal from now on ends the job at once. */
  public static void endGracefulStop() {
    grace = null;
  }

  /** Whether a signal came: training stops after the iteration in flight. */
  public static boolean stopRequested() {
    return SIGNAL.get() != null;
  }

  /** Whether the grace period since the signal still leaves time to write a checkpoint. */
  public static boolean withinGracePeriod() {
    Duration allowed = signalGrace;
    return allowed != null && System.nanoTime() - receivedNanos < allowed.toNanos();
  }

  /** 130 for SIGINT, 143 for SIGTERM: 128 + the signal's number, as a shell reports a killed job. */
  public static int exitCode() {
    return "INT".equals(SIGNAL.get()) ? 130 : 143;
  }

  /** Released by an immediate exit: the run's lock, so that the same command can resume on another host. */
  static void releaseOnExit(AutoCloseable resource) {
    RELEASE_ON_EXIT.add(resource);
  }

  static void released(AutoCloseable resource) {
    RELEASE_ON_EXIT.remove(resource);
  }

  /** The one line a signal gets, printed once whoever gets there first. */
  public static void report(Consumer<String> err) {
    if (REPORTED.compareAndSet(false, true)) {
      err.accept("metaspark: interrupted (SIG" + SIGNAL.get() + "), resume with the same command");
    }
  }

  private static void exitNow() {
    report(System.err::println);
    // from here on, whatever fails (Spark starting or running a job as its context stops) fails
    // because the JVM is going down: the one line above says all there is to say
    try {
      Configurator.setAllLevels(LogManager.ROOT_LOGGER_NAME, Level.OFF);
    } catch (LinkageError e) {
      // another logging backend than Spark's own: its lines stay
    }
    // nor do Scala's futures, whose thread pools print a RejectedExecutionException's stack trace
    // straight to stderr when they are shut down under a callback
    System.setErr(new PrintStream(OutputStream.nullOutputStream()));
    for (AutoCloseable resource : RELEASE_ON_EXIT) {
      try {
        resource.close();
      } catch (Exception e) {
        // exiting anyway: a lock left behind goes stale
      }
    }
    System.exit(exitCode());
  }

  /** Thrown where training stopped early on a signal; the command line ends with the signal's code. */
  public static final class Stopped extends RuntimeException {
    public Stopped(String message) {
      super(message);
    }
  }
}
