package io.metaspark.app.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.TaskInfo;

/**
 * Spark's own record of each meta-iteration's job (job start and end, each task's launch, finish and
 * metrics), observed from outside the trainer. The bench tags its thread's jobs with the iteration
 * through a local property, so events land with their iteration whatever else runs (the memory
 * probes, a second job per iteration).
 *
 * <p>Events arrive on Spark's listener thread, later than the jobs: read after the bus is drained.
 */
final class IterationTimeline extends SparkListener {
  /** Local property naming the iteration whose job the current thread submits. */
  static final String ITERATION = "metaspark.bench.iteration";

  private final Map<Integer, Long> jobIterations = new ConcurrentHashMap<>();
  private final Map<Integer, Long> stageIterations = new ConcurrentHashMap<>();
  private final Map<Long, JobEvents> iterations = new ConcurrentHashMap<>();

  /** What Spark reported of one iteration's job(s); times are the driver's clock, in ms. */
  static final class JobEvents {
    long jobStartMs = Long.MAX_VALUE;
    long jobEndMs = Long.MIN_VALUE;
    final List<TaskTimes> tasks = new ArrayList<>();
  }

  /**
   * One task. {@code runMs} is the executor's run time (the task body, after deserialization);
   * {@code resultMs} its result's serialization plus the driver fetching it.
   */
  record TaskTimes(long launchMs, long finishMs, long deserializeMs, long runMs, long resultMs) {
    /** When the task body ended, on the driver's clock: the result still had to be sent. */
    long runEndMs() {
      return finishMs - resultMs;
    }

    long runStartMs() {
      return runEndMs() - runMs;
    }
  }

  JobEvents of(long iteration) {
    return iterations.get(iteration);
  }

  void clear() {
    jobIterations.clear();
    stageIterations.clear();
    iterations.clear();
  }

  @Override
  public void onJobStart(SparkListenerJobStart event) {
    Long iteration = iterationOf(event.properties());
    if (iteration != null) {
      jobIterations.put(event.jobId(), iteration);
      JobEvents job = iterations.computeIfAbsent(iteration, i -> new JobEvents());
      synchronized (job) {
        job.jobStartMs = Math.min(job.jobStartMs, event.time());
      }
    }
  }

  @Override
  public void onStageSubmitted(SparkListenerStageSubmitted event) {
    Long iteration = iterationOf(event.properties());
    if (iteration != null) {
      stageIterations.put(event.stageInfo().stageId(), iteration);
    }
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd event) {
    Long iteration = stageIterations.get(event.stageId());
    TaskMetrics metrics = event.taskMetrics();
    if (iteration == null || metrics == null) {
      return;
    }
    TaskInfo info = event.taskInfo();
    long gettingResult = info.gettingResultTime() > 0 ? info.finishTime() - info.gettingResultTime() : 0;
    TaskTimes times = new TaskTimes(info.launchTime(), info.finishTime(), metrics.executorDeserializeTime(),
        metrics.executorRunTime(), metrics.resultSerializationTime() + gettingResult);
    JobEvents job = iterations.computeIfAbsent(iteration, i -> new JobEvents());
    synchronized (job) {
      job.tasks.add(times);
    }
  }

  @Override
  public void onJobEnd(SparkListenerJobEnd event) {
    Long iteration = jobIterations.get(event.jobId());
    if (iteration != null) {
      JobEvents job = iterations.get(iteration);
      synchronized (job) {
        job.jobEndMs = Math.max(job.jobEndMs, event.time());
      }
    }
  }

  private static Long iterationOf(Properties properties) {
    String value = properties == null ? null : properties.getProperty(ITERATION);
    return value == null ? null : Long.valueOf(value);
  }
}
