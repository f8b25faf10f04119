package io.metaspark.spark;

import io.metaspark.core.model.Learner;
import io.metaspark.core.model.LearnerChoice;
import io.metaspark.core.model.ModelSpec;
import java.util.HashMap;
import java.util.Map;

/**
 * One learner (one DL4J network) per executor thread and model, built on the thread's first task
 * and reused for every task after it: Spark reuses its task threads, so a network is built once
 * per thread for the life of the executor, never per task. DL4J networks are not thread-safe,
 * which rules out sharing one across the executor's task slots.
 */
public final class ThreadLearners {
  private static final ThreadLocal<Map<Key, Learner>> LEARNERS = ThreadLocal.withInitial(HashMap::new);

  private record Key(ModelSpec spec, LearnerChoice choice) {}

  private ThreadLearners() {}

  public static Learner forCurrentThread(ModelSpec spec, LearnerChoice choice) {
    return LEARNERS.get().computeIfAbsent(new Key(spec, choice), k -> k.choice().create(k.spec()));
  }
}
