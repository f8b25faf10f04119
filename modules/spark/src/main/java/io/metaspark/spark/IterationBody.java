package io.metaspark.spark;

import io.metaspark.core.optim.MetaBatchCurvature;
import io.metaspark.core.sum.OutcomeSum;
import io.metaspark.core.task.TaskDescriptor;
import java.util.List;

/**
 * The body of one meta-iteration, the same in both {@link ExecutionMode}s: sample the meta-batch
 * (a pure function of seed and iteration), have the mode sum its outcomes exactly, check that every
 * task was counted, take the outer step behind the divergence guard ({@link OuterStep}), and report.
 * Jobs mode runs it on the driver, barrier mode in every barrier task; written once, the two cannot
 * drift apart.
 */
final class IterationBody {
  private final TrainingPlan plan;
  private final OuterStep step;

  IterationBody(TrainingPlan plan) {
    this.plan = plan;
    this.step = plan.outerStep();
  }

  /**
   * How a mode sums a meta-batch's outcomes: a Spark job, or each barrier task's share exchanged
   * with the others; and, for an outer step that needs it, the meta-batch's curvature.
   */
  @FunctionalInterface
  interface Summation<E extends Exception> {
    Summed sum(long iteration, List<TaskDescriptor> tasks, double[] params, boolean measure) throws E;
  }

  /** The meta-batch's summed outcomes, and its curvature (null where the outer step does not need it). */
  record Summed(OutcomeSum sum, MetaBatchCurvature curvature) {}

  /** The state after the iteration and what it did. */
  record Done(TrainingState state, IterationReport report) {}

  /** The iteration {@code state.nextIteration()}, from {@code state}. */
  <E extends Exception> Done run(TrainingState state, Summation<E> summation) throws E {
    long t = state.nextIteration();
    long began = System.nanoTime();
    boolean measure = plan.measures(t);
    List<TaskDescriptor> tasks = plan.sampler().metaBatch(t, plan.metaBatch());
    Summed summed = summation.sum(t, tasks, state.params(), measure);
    OutcomeSum sum = summed.sum();
    if (sum.tasks() != tasks.size()) {
      throw new IllegalStateException("iteration " + t + " summed " + sum.tasks() + " of " + tasks.size() + " tasks");
    }
    OutcomeSum.MeanOutcome mean = sum.mean();
    long summedAt = System.nanoTime();
    OuterStep.Result r = step.apply(state, mean, measure, summed.curvature());
    IterationReport report = new IterationReport(t, mean.tasks(), measure, mean.queryLossBefore(),
        mean.queryLossAfter(), r.gradientNorm(), (System.nanoTime() - began) / 1e6, (summedAt - began) / 1e6,
        r.skipReason(), r.lineSearch());
    return new Done(r.state(), report);
  }
}
