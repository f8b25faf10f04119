package io.metaspark.spark;

import io.metaspark.core.optim.GradientTransformation;
import io.metaspark.core.task.TaskSampler;
import java.io.Serializable;

/**
 * How to meta-train: which tasks (sampler), how to compute each (runner), how to update
 * (optimizer), and how the work is laid out on Spark. Built by {@link #builder}: every setting by
 * name, the layout's with defaults (one partition, merged on the driver, jobs mode).
 */
public final class TrainingPlan implements Serializable {
  /** {@link Builder#treeDepth} that lets the partition count choose the depth ({@link #treeDepth()}). */
  public static final int AUTO_TREE_DEPTH = 0;
  /**
   * The most partial sums one merge takes when the depth is chosen: the driver merges serially, on
   * one core, while executors merge in parallel. Set from the old guidance (aggregate cheapest up to
   * a few dozen partitions). The cost model fitted on a 2-core machine (docs/PERFORMANCE.md, bench
   * cost-model --tree-depth) says the best depth also depends on the parameter count: depth 1 for the
   * sinusoid at any partition count, depth 2 for 10M parameters already at 32 partitions. Not changed
   * on that forecast alone: its tree-level cost is fitted on 64-partition runs only.
   */
  static final int AUTO_FAN_IN = 32;
  /** No trained network needs a parameter this large; far below where float arithmetic overflows in a layer. */
  public static final double DEFAULT_MAX_PARAMETER_MAGNITUDE = 1e6;

  private final TaskRunner runner;
  private final TaskSampler sampler;
  private final GradientTransformation optimizer;
  private final long iterations;
  private final int metaBatch;
  private final int partitions;
  private final int treeDepth;
  private final int measureEvery;
  private final int maxSkippedUpdates;
  private final ExecutionMode mode;
  private final double maxParameterMagnitude;

  private TrainingPlan(Builder b) {
    if (b.runner == null || b.sampler == null || b.optimizer == null) {
      throw new IllegalArgumentException("a plan needs a task runner, a sampler and an optimizer");
    }
    requireAtLeast("iterations", b.iterations, 0);
    requireAtLeast("meta-batch", b.metaBatch, 1);
    requireAtLeast("partitions", b.partitions, 1);
    requireAtLeast("tree depth", b.treeDepth, AUTO_TREE_DEPTH);
    requireAtLeast("measure-every", b.measureEvery, 1);
    requireAtLeast("max skipped updates", b.maxSkippedUpdates, 1);
    if (b.mode == null) {
      throw new IllegalArgumentException("mode must be set");
    }
    if (!(b.maxParameterMagnitude > 0)) {
      throw new IllegalArgumentException("the parameter magnitude bound must be positive, got "
          + b.maxParameterMagnitude);
    }
    runner = b.runner;
    sampler = b.sampler;
    optimizer = b.optimizer;
    iterations = b.iterations;
    metaBatch = b.metaBatch;
    partitions = b.partitions;
    treeDepth = b.treeDepth;
    measureEvery = b.measureEvery;
    maxSkippedUpdates = b.maxSkippedUpdates;
    mode = b.mode;
    maxParameterMagnitude = b.maxParameterMagnitude;
  }

  private static void requireAtLeast(String what, long value, long min) {
    if (value < min) {
      throw new IllegalArgumentException(what + " must be >= " + min + ", got " + value);
    }
  }

  /** A plan of the tasks {@code sampler} draws, each computed by {@code runner}, updated by {@code optimizer}. */
  public static Builder builder(TaskRunner runner, TaskSampler sampler, GradientTransformation optimizer) {
    return new Builder(runner, sampler, optimizer);
  }

  /** A builder holding this plan's settings, to change some of them. */
  public Builder toBuilder() {
    return new Builder(runner, sampler, optimizer).iterations(iterations).metaBatch(metaBatch).partitions(partitions)
        .treeDepth(treeDepth).measureEvery(measureEvery).maxSkippedUpdates(maxSkippedUpdates).mode(mode)
        .maxParameterMagnitude(maxParameterMagnitude);
  }

  public TaskRunner runner() {
    return runner;
  }

  public TaskSampler sampler() {
    return sampler;
  }

  public GradientTransformation optimizer() {
    return optimizer;
  }

  /** Total meta-iterations of the run (a resumed run counts from its start). */
  public long iterations() {
    return iterations;
  }

  /** Tasks per meta-iteration. */
  public int metaBatch() {
    return metaBatch;
  }

  /** Spark partitions per meta-iteration; tasks are split evenly over them. */
  public int partitions() {
    return partitions;
  }

  /**
   * Depth of Spark's treeAggregate; 1 merges every partition on the driver. Unless set, chosen from
   * the partitions used: the least depth at which no merge takes more than {@link #AUTO_FAN_IN}
   * partial sums.
   */
  public int treeDepth() {
    return treeDepth != AUTO_TREE_DEPTH ? treeDepth : depthFor(partitionsUsed());
  }

  /**
   * The least depth whose merges each take at most {@link #AUTO_FAN_IN} sums of {@code partitions}
   * (Spark's treeAggregate of depth d merges about P^(1/d) at each level): 1 up to 32 partitions,
   * 2 up to 1,024.
   */
  public static int depthFor(int partitions) {
    int depth = 1;
    for (long reach = AUTO_FAN_IN; reach < partitions; reach *= AUTO_FAN_IN) {
      depth++;
    }
    return depth;
  }

  /** Query losses are measured on every this-many iterations (and on the last). */
  public int measureEvery() {
    return measureEvery;
  }

  /** Consecutive skipped updates (blown up, see {@link OuterStep}) after which the run stops. */
  public int maxSkippedUpdates() {
    return maxSkippedUpdates;
  }

  /** One Spark job per iteration, or one barrier stage per segment of iterations. */
  public ExecutionMode mode() {
    return mode;
  }

  /** A parameter at or above this magnitude means an update blew the state up. */
  public double maxParameterMagnitude() {
    return maxParameterMagnitude;
  }

  /** The outer update behind the divergence guard, the same in both modes. */
  OuterStep outerStep() {
    return new OuterStep(optimizer, maxParameterMagnitude);
  }

  /** Partitions an iteration's tasks are spread over: never more than there are tasks. */
  int partitionsUsed() {
    return Math.min(partitions, metaBatch);
  }

  boolean measures(long iteration) {
    return iteration % measureEvery == 0 || iteration == iterations - 1;
  }

  /** A plan's settings by name; {@link #build} checks them. */
  public static final class Builder {
    private final TaskRunner runner;
    private final TaskSampler sampler;
    private final GradientTransformation optimizer;
    private long iterations;
    private int metaBatch;
    private int partitions = 1;
    private int treeDepth = AUTO_TREE_DEPTH;
    private int measureEvery = 1;
    private int maxSkippedUpdates = 1;
    private ExecutionMode mode = ExecutionMode.JOBS;
    private double maxParameterMagnitude = DEFAULT_MAX_PARAMETER_MAGNITUDE;

    private Builder(TaskRunner runner, TaskSampler sampler, GradientTransformation optimizer) {
      this.runner = runner;
      this.sampler = sampler;
      this.optimizer = optimizer;
    }

    public Builder iterations(long iterations) {
      this.iterations = iterations;
      return this;
    }

    public Builder metaBatch(int metaBatch) {
      this.metaBatch = metaBatch;
      return this;
    }

    public Builder partitions(int partitions) {
      this.partitions = partitions;
      return this;
    }

    public Builder treeDepth(int treeDepth) {
      this.treeDepth = treeDepth;
      return this;
    }

    public Builder measureEvery(int measureEvery) {
      this.measureEvery = measureEvery;
      return this;
    }

    public Builder maxSkippedUpdates(int maxSkippedUpdates) {
      this.maxSkippedUpdates = maxSkippedUpdates;
      return this;
    }

    public Builder mode(ExecutionMode mode) {
      this.mode = mode;
      return this;
    }

    public Builder maxParameterMagnitude(double maxParameterMagnitude) {
      this.maxParameterMagnitude = maxParameterMagnitude;
      return this;
    }

    public TrainingPlan build() {
      return new TrainingPlan(this);
    }
  }
}
