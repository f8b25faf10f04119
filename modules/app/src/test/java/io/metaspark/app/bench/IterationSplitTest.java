package io.metaspark.app.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class IterationSplitTest {

  @Test
  void partsOfAnIterationWithTwoOverlappingTasksAreCountedByHand() {
    // job 1000..1030 (ms); task A's body 1005..1020, task B's 1010..1026 (results take 2 ms to arrive)
    IterationTimeline.JobEvents job = new IterationTimeline.JobEvents();
    job.jobStartMs = 1000;
    job.jobEndMs = 1030;
    job.tasks.add(new IterationTimeline.TaskTimes(1001, 1022, 3, 15, 2));
    job.tasks.add(new IterationTimeline.TaskTimes(1002, 1028, 4, 16, 2));
    IterationSplit split = IterationSplit.of(40, 34, job);
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
    IterationTimeline.JobEvents job = new IterationTimeline.JobEvents();
    job.jobStartMs = 1000;
    job.jobEndMs = 1021;
    job.tasks.add(new IterationTimeline.TaskTimes(1001, 1010, 1, 8, 0));
    job.tasks.add(new IterationTimeline.TaskTimes(1011, 1020, 1, 7, 0));
    IterationSplit split = IterationSplit.of(21, 21, job);
    assertEquals(15, split.compute(), 1e-12);
    assertEquals(2 + 3, split.launch(), 1e-12);
    assertEquals(1, split.merge(), 1e-12);
    assertEquals(0, split.prepare() + split.update(), 1e-12);
  }
}
