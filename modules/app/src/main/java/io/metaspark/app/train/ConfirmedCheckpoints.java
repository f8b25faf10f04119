package io.metaspark.app.train;

import io.metaspark.app.run.Checkpoint;
import io.metaspark.app.run.CheckpointStore;
import io.metaspark.spark.IterationReport;
import io.metaspark.spark.TrainingState;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * Checkpoints every {@code checkpoint.every} iterations, of states that proved good. The divergence
 * guard lets only finite, bounded states through, but a state can still be one from which the
 * next update blows up (the parameters that make the next gradient overflow): checkpointed, it
 * would rotate the good checkpoints out, and a rerun would resume into the same blow-up and stop
 * at once. So a state is held back until the iteration computed from it has applied its update,
 * and dropped when that update was skipped. States in a run of skipped updates are therefore never
 * written, and the newest checkpoint is always one a rerun can train on from. The cost: a
 * checkpoint is written one iteration later (barrier mode ends a segment there to tell it).
 */
final class ConfirmedCheckpoints {
  private final CheckpointStore store;
  private final int every;
  private final String config;
  private final Consumer<String> log;
  private Checkpoint pending;
  private boolean lastSkipped;

  ConfirmedCheckpoints(CheckpointStore store, int every, String config, Consumer<String> log) {
    this.store = store;
    this.every = every;
    this.config = config;
    this.log = log;
  }

  /** The iterations whose state is checkpointed. */
  boolean checkpoints(long iteration) {
    return (iteration + 1) % every == 0;
  }

  /** Iterations the driver must see as they finish: checkpointed ones, and the ones that confirm them. */
  boolean needsState(long iteration) {
    return checkpoints(iteration) || (iteration > 0 && checkpoints(iteration - 1));
  }

  /**
   * After each iteration, in order: writes the held-back state this iteration confirms (or drops it),
   * then holds back this iteration's state if it is one to checkpoint.
   */
  void onIteration(IterationReport report, TrainingState state) throws IOException {
    lastSkipped = report.skipped();
    if (pending != null && report.iteration() == pending.nextIteration()) {
      if (report.skipped()) {
        log.accept("no checkpoint at iteration " + pending.nextIteration() + ": the update computed from it was"
            + " skipped (" + report.skipReason() + ")");
      } else {
        store.write(pending);
      }
      pending = null;
    }
    if (checkpoints(report.iteration()) && state != null) {
      pending = new Checkpoint(state, config);
    }
  }

  /**
   * The state a run stopped at before its end (a graceful stop on SIGTERM): written, though no
   * iteration confirmed it yet, so that resuming redoes nothing; unless the update that led to it
   * was skipped (a blown-up run, whose last good checkpoint stays the newest). Whether it wrote.
   */
  boolean writeOnStop(TrainingState stopped) throws IOException {
    if (lastSkipped) {
      log.accept("no checkpoint at iteration " + stopped.nextIteration() + ": its last update was skipped");
      return false;
    }
    writeFinal(stopped);
    return true;
  }

  /** The state a run ends with, written as it is: the run's result, which the exported model holds too. */
  void writeFinal(TrainingState end) throws IOException {
    store.write(new Checkpoint(end, config));
    pending = null;
  }
}
