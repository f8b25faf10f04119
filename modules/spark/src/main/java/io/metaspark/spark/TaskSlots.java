package io.metaspark.spark;

import org.apache.spark.SparkContext;

/** The tasks a Spark application can run at once, as its barrier scheduler counts them. */
final class TaskSlots {
  private TaskSlots() {}

  /**
   * The slots there are, or, on a cluster, once {@code wanted} have registered: executors register
   * after the context starts (a barrier run begun at once found 0 slots on local-cluster), so this
   * waits as Spark's scheduler would, up to {@code spark.scheduler.maxRegisteredResourcesWaitingTime}.
   * local[N] has all its slots from the start.
   */
  static int awaiting(SparkContext spark, int wanted) {
    int slots = now(spark);
    if (wanted > slots && !spark.isLocal()) {
      long waitMillis = spark.getConf().getTimeAsMs("spark.scheduler.maxRegisteredResourcesWaitingTime", "30s");
      long deadline = System.nanoTime() + waitMillis * 1_000_000L;
      while (wanted > slots && System.nanoTime() < deadline) {
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
        slots = now(spark);
      }
    }
    return slots;
  }

  /** private[spark] in Scala, public in the bytecode: the very figure Spark's barrier check uses. */
  private static int now(SparkContext spark) {
    return spark.maxNumConcurrentTasks(spark.resourceProfileManager().defaultResourceProfile());
  }
}
