package io.metaspark.spark;

import io.metaspark.core.sum.OutcomeSum;
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
    try (PartialSumExchange.Connection peers = new PartialSumExchange.Connection(exchange, attempt, partition)) {
      Result result = run(peers, partition, partitions);
      peers.finish();
      return partition == 0 ? List.of(result).iterator() : Collections.emptyIterator();
    } catch (IOException e) {
      throw new UncheckedIOException("barrier task " + partition + " lost the partial-sum exchange", e);
    }
  }

  private Result run(PartialSumExchange.Connection peers, int partition, int partitions) throws IOException {
    IterationBody body = new IterationBody(plan);
    TrainingState state = start;
    int skippedInARow = skippedBefore;
    List<IterationReport> reports = new ArrayList<>();
    boolean[] stop = new boolean[1];
    while (state.nextIteration() < until) {
      IterationBody.Done done = body.run(state, (t, tasks, params, measure) -> {
        OutcomeSum mine = OutcomeSum.empty();
        for (int i = partition; i < tasks.size(); i += partitions) {
          mine.add(plan.runner().outcome(tasks.get(i), params, measure));
        }
        PartialSumExchange.Merged merged = peers.allReduce(t, mine);
        stop[0] = merged.stop();
        return merged.sum();
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
}
