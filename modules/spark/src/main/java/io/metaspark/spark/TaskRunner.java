package io.metaspark.spark;

import io.metaspark.core.algo.MetaAlgorithm;
import io.metaspark.core.algo.TaskOutcome;
import io.metaspark.core.eval.AdaptationCurve;
import io.metaspark.core.model.Learner;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.task.TaskData;
import io.metaspark.core.task.TaskDescriptor;
import io.metaspark.core.task.TaskFamily;
import java.io.Serializable;

/**
 * What an executor needs to turn a task descriptor into a result: the model, the task family and
 * the algorithm. Broadcast once per run; the per-iteration broadcast carries only parameters.
 */
public record TaskRunner(ModelSpec model, TaskFamily family, MetaAlgorithm algorithm) implements Serializable {

  public TaskOutcome outcome(TaskDescriptor descriptor, double[] theta, boolean measure) {
    try {
      Learner learner = ThreadLearners.forCurrentThread(model);
      TaskData task = family.sample(descriptor, learner.dataType());
      return algorithm.compute(learner, theta, task, measure);
    } catch (RuntimeException | Error e) {
      throw TaskFailedException.of(descriptor, e);
    }
  }

  public double[] adaptationLosses(TaskDescriptor descriptor, double[] theta, AdaptationCurve curve) {
    try {
      Learner learner = ThreadLearners.forCurrentThread(model);
      return curve.queryLosses(learner, theta, family.sample(descriptor, learner.dataType()));
    } catch (RuntimeException | Error e) {
      throw TaskFailedException.of(descriptor, e);
    }
  }
}
