package io.metaspark.app.bench;

import io.metaspark.app.bench.CostModel.Term;
import io.metaspark.spark.TrainingPlan;

/**
 * Iteration time on a cluster of single-slot executors, from the fitted fixed costs plus what the
 * calibration machine cannot measure: compute per executor (tasks per executor x one task's time)
 * and the bytes that cross a network link between hosts (none on loopback, where the fit already
 * holds them).
 *
 * <p>Bytes on the link: the task closure (8 bytes per parameter) spreads through Spark's torrent
 * broadcast, modelled as a doubling tree (every executor holding it sends one copy per round:
 * ceil(log2(executors + 1)) copies' time); each partial sum is {@code partialBytesPerParam} per
 * parameter (6.5-7.5 measured, PERFORMANCE.md's exact sum on the wire), and the partials reaching
 * one receiver (the driver, or a reducer) queue on its link.
 *
 * @param linkBitsPerSecond the link's bandwidth; 0 for loopback (the calibration's own)
 * @param treeDepth {@code treeAggregate}'s depth, or {@link TrainingPlan#AUTO_TREE_DEPTH} for training's choice
 */
record ScalingForecast(CostModel model, double linkBitsPerSecond, double partialBytesPerParam, int treeDepth) {

  private static final String[] OVERHEADS = {"scheduling", "shipping", "aggregation", "network"};

  /** One iteration's time, term by term, in ms. */
  record Iteration(IterationShape shape, double compute, double scheduling, double shipping, double aggregation,
      double network) {
    double total() {
      return compute + scheduling + shipping + aggregation + network;
    }

    /** The largest part that is not compute: what stops the iteration from shrinking with more executors. */
    String largestOverhead() {
      return OVERHEADS[largestIndex()];
    }

    /** That part's share of the iteration. */
    double largestOverheadShare() {
      return overheads()[largestIndex()] / total();
    }

    private double[] overheads() {
      return new double[] {scheduling, shipping, aggregation, network};
    }

    private int largestIndex() {
      double[] parts = overheads();
      int largest = 0;
      for (int i = 1; i < parts.length; i++) {
        if (parts[i] > parts[largest]) {
          largest = i;
        }
      }
      return largest;
    }

    double overhead() {
      return scheduling + shipping + aggregation + network;
    }
  }

  Iteration jobsMode(Workload w, int executors, int metaBatch) {
    IterationShape shape = IterationShape.onCluster(executors, metaBatch, w.params(), treeDepth);
    int tasksPerExecutor = (metaBatch + shape.partitions() - 1) / shape.partitions();
    double network = 0;
    if (linkBitsPerSecond > 0) {
      double closure = 8.0 * w.params() * ceilLog2(shape.partitions() + 1);
      double partial = partialBytesPerParam * w.params();
      double partialsPerReceiver = shape.treeLevels() == 0 ? shape.partitions()
          : shape.driverPartials() + (double) shape.reducerRounds();
      network = millis(closure + partial * partialsPerReceiver);
    }
    return new Iteration(shape, tasksPerExecutor * w.taskMs(),
        model.term(Term.SCHEDULING, shape), model.term(Term.SHIPPING, shape), model.term(Term.AGGREGATION, shape),
        network);
  }

  /**
   * Barrier mode's iteration, estimated from the same coefficients, not calibrated on barrier runs:
   * no job, no closure (the state stays in the tasks); each task encodes its partial once, the
   * driver decodes and merges all of them serially and sends each task the rounded mean (8 bytes
   * per parameter). The exchange's own latency per iteration (about 1 ms on loopback) is left out.
   */
  double barrierMs(Workload w, int executors, int metaBatch) {
    int partitions = Math.min(executors, metaBatch);
    int tasksPerExecutor = (metaBatch + partitions - 1) / partitions;
    double m = w.params() / 1e6;
    double driver = model.ms(CostModel.Coefficient.PARTIAL_EXECUTOR) * m
        + model.ms(CostModel.Coefficient.PARTIAL_DRIVER) * m * partitions;
    double network = linkBitsPerSecond > 0 ? millis((partialBytesPerParam + 8.0) * w.params() * partitions) : 0;
    return tasksPerExecutor * w.taskMs() + driver + network;
  }

  /** Throughput on {@code executors} over {@code executors} times one executor's, at the same meta-batch. */
  double efficiency(Workload w, int executors, int metaBatch) {
    return jobsMode(w, 1, metaBatch).total() / (executors * jobsMode(w, executors, metaBatch).total());
  }

  /**
   * The smallest meta-batch, a multiple of {@code executors} (every executor equally busy), at
   * which the efficiency reaches {@code target}. Past one task per executor the fixed costs no
   * longer change with the meta-batch, so it is solved, not searched: with B = mE,
   * (mEt + F1) / (mEt + E F_E) >= target when m >= (target E F_E - F1) / ((1 - target) E t).
   */
  int metaBatchFor(Workload w, int executors, double target) {
    double f1 = jobsMode(w, 1, executors).overhead();
    double fe = jobsMode(w, executors, executors).overhead();
    double m = (target * executors * fe - f1) / ((1 - target) * executors * w.taskMs());
    long multiple = Math.max(1, (long) Math.ceil(m - 1e-9));
    return (int) Math.min(Integer.MAX_VALUE / 2, multiple * executors);
  }

  private double millis(double bytes) {
    return bytes * 8 / linkBitsPerSecond * 1e3;
  }

  private static int ceilLog2(int n) {
    return 32 - Integer.numberOfLeadingZeros(n - 1);
  }
}
