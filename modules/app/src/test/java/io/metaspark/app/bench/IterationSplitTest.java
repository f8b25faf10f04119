package io.metaspark.app.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class IterationSplitTest {
  /** A job as Spark's listener events describe it. */
  private static IterationTimeline.JobEvents job(long startMs, long endMs, IterationTimeline.TaskTimes... tasks) {
    IterationTimeline.JobEvents job = new IterationTimeline.JobEvents();
    job.jobStartMs = startMs;
    job.jobEndMs = endMs;
    job.tasks.addAll(List.of(tasks));
    return job;
  }

  @Test
  void partsOfAnIterationWithTwoOverlappingTasksAreCountedByHand() {
    // job 1000..1030 (ms); task A's body 1005..1020, task B's 1010..1026 (results take 2 ms to arrive)
    IterationSplit split = IterationSplit.of(40, 34, job(1000, 1030,
        new IterationTimeline.TaskTimes(1001, 1022, 3, 15, 2), new IterationTimeline.TaskTimes(1002, 1028, 4, 16, 2)));
    assertEquals(34 - 30, split.prepare(), 1e-12, "the job call outside Spark's job span");
    assertEquals(5, split.launch(), 1e-12, "start to the first body, no gap between bodies");
    assertEquals(21, split.compute(), 1e-12, "1005..1026, the overlap counted once");
    assertEquals(4, split.merge(), 1e-12, "last body's end to the job's end");
    assertEquals(6, split.update(), 1e-12);
    assertEquals(40, split.total(), 1e-12);
  }

  @Test
  void idleTimeBetweenSequentialTasksIsScheduling() {
    // one slot: body 1002..1010, then the next task's body 1013..1020
    IterationSplit split = IterationSplit.of(21, 21, job(1000, 1021,
        new IterationTimeline.TaskTimes(1001, 1010, 1, 8, 0), new IterationTimeline.TaskTimes(1011, 1020, 1, 7, 0)));
    assertEquals(15, split.compute(), 1e-12);
    assertEquals(2 + 3, split.launch(), 1e-12);
    assertEquals(1, split.merge(), 1e-12);
    assertEquals(0, split.prepare() + split.update(), 1e-12);
  }
}
