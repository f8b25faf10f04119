package io.metaspark.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.core.sum.OutcomeSum;
import io.metaspark.core.task.TaskDescriptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Bytes through the driver's partial-sum exchange per iteration, counted (not timed), for the
 * sinusoid MLP's real exact partial sums: a meta-batch of 32 MAML outcomes split over P tasks. The
 * driver sends each task one rounded sum, so what it sends grows as P, not P^2 (an all-gather sent
 * every task all P partials); docs/PERFORMANCE.md has the table this writes to
 * target/barrier-traffic.tsv.
 */
class BarrierTrafficTest {
  private static final int META_BATCH = 32;
  private static final int[] PARTITIONS = {2, 8, 32};

  @Test
  void theDriverSendsEachTaskOneRoundedSumSoTrafficGrowsAsThePartitionCount() throws Exception {
    TrainingPlan plan = SinusoidPlans.plan("maml", 1, META_BATCH, 2);
    double[] params = SinusoidPlans.start(plan).params();
    List<TaskDescriptor> tasks = plan.sampler().metaBatch(0, META_BATCH);
    List<OutcomeSum> single = new ArrayList<>();
    for (TaskDescriptor task : tasks) {
      single.add(OutcomeSum.empty().add(plan.runner().outcome(task, params, true)));
    }
    OutcomeSum whole = OutcomeSum.empty();
    single.forEach(whole::merge);
    int reply = whole.rounded().toBytes().length;
    assertTrue(reply <= 21 + 8 * (params.length + 2), "at most one double per element and a small header");
    StringBuilder table = new StringBuilder("partitions\treceived\tsent\tall-gather would send\n");
    for (int partitions : PARTITIONS) {
      List<OutcomeSum> partials = partials(partitions, single);
      long received = 0;
      long allGather = partitions; // its stop flags
      for (OutcomeSum partial : partials) {
        int length = partial.toBytes().length;
        received += Long.BYTES + Integer.BYTES + length;
        allGather += (long) partitions * (Integer.BYTES + length);
      }
      PartialSumExchange.Traffic t = oneIteration(partitions, partials, params.length, whole.mean());
      assertEquals(received, t.received(), "every partial sum once, with its iteration and length");
      assertEquals((long) partitions * (1 + Integer.BYTES + reply), t.sent(), "one rounded sum per task");
      table.append(partitions).append('\t').append(t.received()).append('\t').append(t.sent()).append('\t')
          .append(allGather).append('\n');
    }
    Path out = Path.of("target", "barrier-traffic.tsv");
    Files.createDirectories(out.getParent());
    Files.writeString(out, table);
    System.out.print(table);
  }

  /** Barrier mode's split: partition p sums the tasks whose index is p modulo P. */
  private static List<OutcomeSum> partials(int partitions, List<OutcomeSum> single) {
    List<OutcomeSum> partials = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      OutcomeSum mine = OutcomeSum.empty();
      for (int i = p; i < single.size(); i += partitions) {
        mine.merge(single.get(i));
      }
      partials.add(mine);
    }
    return partials;
  }

  /** One round through a real exchange on loopback; every task must get the meta-batch's mean bit for bit. */
  private static PartialSumExchange.Traffic oneIteration(int partitions, List<OutcomeSum> partials, int numParams,
      OutcomeSum.MeanOutcome want) throws Exception {
    try (PartialSumExchange exchange = new PartialSumExchange(partitions, "127.0.0.1", "127.0.0.1", numParams,
        PartialSumExchange.Timeouts.DEFAULT, () -> false)) {
      List<CompletableFuture<OutcomeSum>> running = new ArrayList<>();
      for (int p = 0; p < partitions; p++) {
        int partition = p;
        running.add(CompletableFuture.supplyAsync(() -> {
          try (PartialSumExchange.Connection c = new PartialSumExchange.Connection(exchange.address(), 1, partition)) {
            OutcomeSum merged = c.allReduce(0, partials.get(partition)).sum();
            c.finish();
            return merged;
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }));
      }
      for (CompletableFuture<OutcomeSum> r : running) {
        OutcomeSum.MeanOutcome got = r.get(60, TimeUnit.SECONDS).mean();
        assertArrayEquals(want.metaGradient(), got.metaGradient());
        assertEquals(want.queryLossAfter(), got.queryLossAfter());
      }
      return exchange.traffic();
    }
  }
}
