package io.metaspark.app.train;

import io.metaspark.app.run.Interruption;
import io.metaspark.app.run.RunDirectory;
import io.metaspark.app.run.RunLock;
import io.metaspark.spark.IterationListener;
import io.metaspark.spark.IterationReport;
import io.metaspark.spark.TrainingState;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What a training run does after each iteration, in order: report progress, then validate and
 * checkpoint while it still holds the run's lock. It stops training on a SIGTERM or SIGINT.
 */
record RunListener(RunDirectory run, RunLock lock, ProgressReporter progress, PeriodicValidation validation,
    ConfirmedCheckpoints checkpoints) implements IterationListener {

  @Override
  public boolean needsState(long iteration) {
    return checkpoints.needsState(iteration) || validation.needsState(iteration);
  }

  @Override
  public boolean stopRequested() {
    return Interruption.stopRequested();
  }

  @Override
  public void onIteration(IterationReport report, TrainingState state) {
    progress.onIteration(report, state);
    try {
      // validation may keep a model in the run (validate.keep-best): only while this job holds it
      lock.requireHeld();
      validation.onIteration(report, state);
      checkpoints.onIteration(report, state);
    } catch (RunLock.RunLockedException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a checkpoint of " + run, e);
    }
  }
}
