package io.metaspark.app.train;

import io.metaspark.app.config.ConfigError;
import io.metaspark.app.config.Job;
import io.metaspark.app.run.Checkpoint;
import io.metaspark.app.run.CheckpointStore;
import io.metaspark.app.run.RunDirectory;
import io.metaspark.core.algo.MetaAlgorithm;
import io.metaspark.core.optim.GradientTransformation;
import io.metaspark.spark.TrainingState;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a run starts: its newest checkpoint that verifies, if the config still computes what that
 * checkpoint's config computed and its state fits the algorithm and the optimizer; else, for a run
 * without one, the algorithm's meta-parameters at the network's initial parameters.
 */
final class StartingPoint {
  private static final Logger LOG = LoggerFactory.getLogger(StartingPoint.class);

  private StartingPoint() {}

  /** @param requireCheckpoint --resume: refuse to start from scratch */
  static TrainingState of(Job job, RunDirectory run, CheckpointStore checkpoints, boolean requireCheckpoint,
      PrintStream out) throws IOException {
    MetaAlgorithm algorithm = job.algorithm();
    GradientTransformation optimizer = job.optimizer();
    Optional<Checkpoint> latest = checkpoints.newestValid(reason -> {
      LOG.warn("skipping checkpoint {}", reason);
      out.println("  skipping a checkpoint that does not verify: " + reason);
    });
    if (latest.isEmpty()) {
      if (requireCheckpoint) {
        throw new ConfigError("--resume: " + run + " has no checkpoint that verifies");
      }
      double[] initial = algorithm.init(job.initialParams());
      return new TrainingState(0, initial, optimizer.init(initial));
    }
    Checkpoint c = latest.get();
    List<String> changed = job.resumeDifferences(c.config());
    if (!changed.isEmpty()) {
      throw new ConfigError("run " + run + " was trained with a different config, so it cannot be continued: "
          + String.join(", ", changed) + ". Use another run.name for a new run.");
    }
    job.resumeNote(c.config()).ifPresent(note -> out.println("  " + note));
    int metaParams = algorithm.init(job.initialParams()).length;
    if (c.state().params().length != metaParams) {
      throw new ConfigError("the checkpoint of " + run + " has " + c.state().params().length
          + " meta-parameters, the model and algorithm " + metaParams);
    }
    String kept = c.state().optimizerState().layout();
    String expected = optimizer.init(c.state().params()).layout();
    if (!kept.equals(expected)) {
      throw new ConfigError("the checkpoint of " + run + " holds the optimizer state " + kept
          + " but the configured optimizer keeps " + expected);
    }
    return c.state();
  }
}
