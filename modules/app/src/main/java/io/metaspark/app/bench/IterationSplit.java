package io.metaspark.app.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Where one meta-iteration's wall time went, in ms; the five parts add up to the wall time.
 *
 * @param prepare on the driver around the job: sampling the meta-batch, cleaning and submitting the
 *     closure, and after the job the exact sum's rounding to the mean
 * @param launch from the job's start to the first task body, plus any time inside the job when no
 *     task body ran: task serialization, scheduling, launching, deserializing on the executor
 * @param compute when at least one task body ran (task data, inner loop, meta-gradient, summing
 *     into the partition's exact sum): the critical path, so parallel tasks count once
 * @param merge from the last task body's end to the job's end: result serialization, transfer,
 *     merging the partitions' sums on the driver
 * @param update after the job: the outer optimizer's update on the driver
 */
record IterationSplit(double prepare, double launch, double compute, double merge, double update) {
  static final IterationSplit ZERO = new IterationSplit(0, 0, 0, 0, 0);

  /**
   * An iteration of barrier mode, which runs no Spark job of its own: its tasks, the exchange of
   * partial sums and the exact sum's rounding are all timed inside the barrier task as one part
   * (compute here); the stage's launch and result are its segment's, charged to the segment's first
   * iteration.
   *
   * @param wallMs the iteration's time as the barrier task measured it
   * @param jobMs the part of it spent obtaining the mean outcome (the rest is the update)
   */
  static IterationSplit withoutJob(double wallMs, double jobMs) {
    return new IterationSplit(0, 0, jobMs, 0, Math.max(0, wallMs - jobMs));
  }

  /**
   * @param wallMs the iteration's wall time on the driver
   * @param jobMs the part of it spent obtaining the mean outcome (the rest is the update)
   */
  static IterationSplit of(double wallMs, double jobMs, IterationTimeline.JobEvents job) {
    double update = Math.max(0, wallMs - jobMs);
    long start = job.jobStartMs;
    long end = job.jobEndMs;
    // Spark's times are whole milliseconds: keep every part inside the job's own span
    List<long[]> bodies = new ArrayList<>();
    for (IterationTimeline.TaskTimes task : job.tasks) {
      long from = Math.max(start, task.runStartMs());
      long to = Math.min(end, task.runEndMs());
      if (to > from) {
        bodies.add(new long[] {from, to});
      }
    }
    bodies.sort(Comparator.comparingLong(b -> b[0]));
    long covered = 0;
    long coveredTo = start;
    long first = end;
    long last = start;
    for (long[] body : bodies) {
      first = Math.min(first, body[0]);
      last = Math.max(last, body[1]);
      long from = Math.max(coveredTo, body[0]);
      if (body[1] > from) {
        covered += body[1] - from;
      }
      coveredTo = Math.max(coveredTo, body[1]);
    }
    double span = end - start;
    if (bodies.isEmpty()) {
      return new IterationSplit(Math.max(0, jobMs - span), span, 0, 0, update);
    }
    double launch = (first - start) + ((last - first) - covered);
    return new IterationSplit(Math.max(0, jobMs - span), launch, covered, end - last, update);
  }

  double total() {
    return prepare + launch + compute + merge + update;
  }

  /** The part that is neither the tasks' own work nor the optimizer: the cost of distributing. */
  double overhead() {
    return prepare + launch + merge;
  }

  IterationSplit plus(IterationSplit o) {
    return new IterationSplit(prepare + o.prepare, launch + o.launch, compute + o.compute, merge + o.merge,
        update + o.update);
  }

  IterationSplit times(double factor) {
    return new IterationSplit(prepare * factor, launch * factor, compute * factor, merge * factor, update * factor);
  }
}
