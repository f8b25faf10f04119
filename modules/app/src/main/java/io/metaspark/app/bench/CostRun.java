package io.metaspark.app.bench;

/**
 * One row of a {@code bench costs} TSV: a run's median wall time per no-compute iteration.
 *
 * @param run {@code schedule}, {@code ship} or {@code aggregate} (each includes the ones before it)
 * @param where the file and line it came from, for messages
 */
record CostRun(String master, int partitions, long params, String run, double medianMs, String where) {
  static final String SCHEDULE = "schedule";
  static final String SHIP = "ship";
  static final String AGGREGATE = "aggregate";

  /** Executor JVMs that fetch the task closure over a socket: none when executors live in the driver's JVM. */
  int executorJvms() {
    return master.startsWith("local-cluster") ? Bench.slots(master) / coresPerExecutor() : 0;
  }

  /** Task slots: local[N] has N, local-cluster[E,c,m] E x c. */
  int slots() {
    return Bench.slots(master);
  }

  private int coresPerExecutor() {
    String inside = master.substring(master.indexOf('[') + 1, master.indexOf(']'));
    return Integer.parseInt(inside.split(",")[1].trim());
  }
}
