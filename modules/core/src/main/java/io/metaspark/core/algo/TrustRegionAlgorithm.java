package io.metaspark.core.algo;

import io.metaspark.core.model.Learner;
import io.metaspark.core.task.Task;

/** An algorithm whose outer step can be a trust-region step: it keeps each task for the step's rounds. */
public interface TrustRegionAlgorithm extends MetaAlgorithm {
  /** {@link #compute}, keeping what the trust-region rounds ask of the task. */
  TrustRegionTask prepare(Learner learner, double[] meta, Task task, boolean measure);
}
