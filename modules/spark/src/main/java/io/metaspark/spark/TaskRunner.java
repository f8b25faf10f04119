package io.metaspark.spark;

import io.metaspark.core.algo.MetaAlgorithm;
import io.metaspark.core.algo.TaskOutcome;
import io.metaspark.core.algo.TrustRegionAlgorithm;
import io.metaspark.core.algo.TrustRegionTask;
import io.metaspark.core.eval.AdaptationCurve;
import io.metaspark.core.eval.EnsembleCurve;
import io.metaspark.core.eval.QueryMeasures;
import io.metaspark.core.model.Learner;
import io.metaspark.core.model.LearnerChoice;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.task.TaskDescriptor;
import io.metaspark.core.task.TaskFamily;
import java.io.Serializable;

/**
 * What an executor needs to turn a task descriptor into a result: the model (and which learner
 * evaluates it, as the algorithm resolves the choice: {@link LearnerChoice#resolvedFor}), the task
 * family and the algorithm. Broadcast once per run; the per-iteration broadcast carries only parameters.
 */
public record TaskRunner(ModelSpec model, TaskFamily family, MetaAlgorithm algorithm, LearnerChoice learner)
    implements Serializable {

  public TaskRunner {
    learner = learner.resolvedFor(algorithm.usesHessianProducts());
  }

  public TaskRunner(ModelSpec model, TaskFamily family, MetaAlgorithm algorithm) {
    this(model, family, algorithm, LearnerChoice.AUTO);
  }

  public TaskOutcome outcome(TaskDescriptor descriptor, double[] meta, boolean measure) {
    try {
      Learner learner = ThreadLearners.forCurrentThread(model, this.learner);
      return algorithm.compute(learner, meta, family.open(descriptor, learner.dataType()), measure);
    } catch (RuntimeException | Error e) {
      throw TaskFailedException.of(descriptor, e);
    }
  }

  /** {@link #outcome}, keeping the task for a trust-region outer step's rounds (same thread, same learner). */
  public TrustRegionTask prepare(TaskDescriptor descriptor, double[] meta, boolean measure) {
    if (!(algorithm instanceof TrustRegionAlgorithm trustRegion)) {
      throw new IllegalArgumentException(algorithm.name() + " has no trust-region outer step");
    }
    try {
      Learner learner = ThreadLearners.forCurrentThread(model, this.learner);
      return trustRegion.prepare(learner, meta, family.open(descriptor, learner.dataType()), measure);
    } catch (RuntimeException | Error e) {
      throw TaskFailedException.of(descriptor, e);
    }
  }

  public QueryMeasures adaptationMeasures(TaskDescriptor descriptor, double[] meta, AdaptationCurve curve) {
    try {
      Learner learner = ThreadLearners.forCurrentThread(model, this.learner);
      return curve.measure(learner, meta, family.open(descriptor, learner.dataType()));
    } catch (RuntimeException | Error e) {
      throw TaskFailedException.of(descriptor, e);
    }
  }

  /** An ensemble's measures on one task: every member of {@code curve} adapted from its own {@code metas[i]}. */
  public QueryMeasures ensembleMeasures(TaskDescriptor descriptor, double[][] metas, EnsembleCurve curve) {
    try {
      Learner learner = ThreadLearners.forCurrentThread(model, this.learner);
      return curve.measure(learner, metas, family.open(descriptor, learner.dataType()));
    } catch (RuntimeException | Error e) {
      throw TaskFailedException.of(descriptor, e);
    }
  }
}
