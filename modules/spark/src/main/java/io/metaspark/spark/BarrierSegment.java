package io.metaspark.spark;

import io.metaspark.core.algo.TrustRegionTask;
import io.metaspark.core.algo.TrustRegionTasks;
import io.metaspark.core.sum.OutcomeSum;
import io.metaspark.core.task.TaskDescriptor;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.BarrierTaskContext;

/**
 * Barrier mode's work for one segment of iterations, run by each of the stage's P tasks. Every task
 * holds the whole training state and runs each iteration's {@link IterationBody}, as jobs mode's
 * driver does; only the sum differs: a task computes the tasks whose index is its partition modulo
 * P and sends its exact partial sum to the driver ({@link PartialSumExchange}), which merges all
 * P, in partition order, into the same exact sum the jobs mode builds and sends it back rounded, so
 * every replica gets the same mean bit for bit and applies the same {@link OuterStep}: the replicas
 * never drift apart and the result equals jobs mode's.
 *
 * <p>A trust-region outer step (TRPO) asks the meta-batch more within one iteration: ~10
 * Fisher-vector products and a few line-search trials. Each task keeps its tasks' rollouts and
 * adapted policies ({@link TrustRegionTask}) for the iteration, and each product or trial is one
 * more round of the same exchange: no Spark job, no recomputed rollouts. Every replica runs the
 * step's arithmetic on the same exact sums, so all take the same step.
 *
 * @param until the iteration after the segment's last
 * @param skippedBefore skipped updates in a row before the segment, so the divergence guard counts across segments
 * @param exchange where the driver's partial-sum exchange listens
 */
record BarrierSegment(TrainingPlan plan, TrainingState start, long until, int skippedBefore,
    PartialSumExchange.Address exchange) implements Serializable {

  /** What partition 0 returns: the state after the segment and one report per iteration it ran. */
  record Result(TrainingState end, List<IterationReport> reports) implements Serializable {}

  Iterator<Result> run(BarrierTaskContext context) {
    int partition = context.partitionId();
    int partitions = context.getTaskInfos().length;
    // stage id and attempt: a rerun of this segment is a new attempt of the same stage
    long attempt = ((long) context.stageId() << 20) | context.stageAttemptNumber();
    try (PartialSumExchange.TaskEnd peers = PartialSumExchange.open(exchange, attempt, partition)) {
      Result result = run(peers, partition, partitions);
      peers.finish();
      return partition == 0 ? List.of(result).iterator() : Collections.emptyIterator();
    } catch (IOException e) {
      throw new UncheckedIOException("barrier task " + partition + " lost the partial-sum exchange", e);
    }
  }

  private Result run(PartialSumExchange.TaskEnd peers, int partition, int partitions) throws IOException {
    IterationBody body = new IterationBody(plan);
    TrainingState state = start;
    int skippedInARow = skippedBefore;
    List<IterationReport> reports = new ArrayList<>();
    boolean[] stop = new boolean[1];
    long[] rounds = {0};
    boolean trustRegion = plan.optimizer().needsCurvature();
    while (state.nextIteration() < until) {
      IterationBody.Done done = body.run(state, (t, tasks, params, measure) -> {
        OutcomeSum mine = OutcomeSum.empty();
        List<TrustRegionTask> kept = new ArrayList<>();
        for (TaskDescriptor task : share(tasks, partition, partitions)) {
          if (trustRegion) {
            TrustRegionTask held = plan.runner().prepare(task, params, measure);
            kept.add(held);
            mine.add(held.outcome());
          } else {
            mine.add(plan.runner().outcome(task, params, measure));
          }
        }
        PartialSumExchange.Merged merged = peers.allReduce(rounds[0]++, mine);
        stop[0] = merged.stop();
        return new IterationBody.Summed(merged.sum(), trustRegion
            ? new TrustRegionTasks(kept, partial -> exchange(peers, rounds[0]++, partial)) : null);
      });
      state = done.state();
      reports.add(done.report());
      skippedInARow = done.report().skipped() ? skippedInARow + 1 : 0;
      if (skippedInARow >= plan.maxSkippedUpdates()) {
        break; // every replica sees the same skips, so all stop here; the driver reports the divergence
      }
      if (stop[0]) {
        break; // the driver asked every replica, in the same round, to stop after this iteration
      }
    }
    return new Result(state, reports);
  }

  /** The tasks this partition computes: those whose index is the partition modulo P. */
  private static List<TaskDescriptor> share(List<TaskDescriptor> tasks, int partition, int partitions) {
    List<TaskDescriptor> mine = new ArrayList<>();
    for (int i = partition; i < tasks.size(); i += partitions) {
      mine.add(tasks.get(i));
    }
    return mine;
  }

  /** One of a trust-region step's rounds; a lost exchange ends the task as any lost round does. */
  private static OutcomeSum exchange(PartialSumExchange.TaskEnd peers, long round, OutcomeSum partial) {
    try {
      return peers.allReduce(round, partial).sum();
    } catch (IOException e) {
      throw new UncheckedIOException("the partial-sum exchange was lost in a trust-region round", e);
    }
  }
}
