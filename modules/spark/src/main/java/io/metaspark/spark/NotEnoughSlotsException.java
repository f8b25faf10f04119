package io.metaspark.spark;

/**
 * Barrier mode needs every partition's task running at the same time, and Spark has fewer task
 * slots. Raised before any work: Spark itself would retry its own slot check for ten minutes
 * (40 times, 15 s apart) before failing the job.
 */
public final class NotEnoughSlotsException extends RuntimeException {
  NotEnoughSlotsException(int partitions, int slots, String master) {
    super("spark.mode = barrier runs all " + partitions + " partitions (spark.partitions) at once, but Spark ("
        + master + ") has " + slots + " task slot" + (slots == 1 ? "" : "s") + " now: set spark.partitions to at most "
        + slots + ", or use spark.mode = jobs");
  }
}
