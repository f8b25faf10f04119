package io.metaspark.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.core.sum.OutcomeSum;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A barrier task in the driver's JVM (local mode) reaches the exchange in memory: the same merged
 * sum, bit for bit, as a task over the socket gets in the same round, and the socket's rules: a
 * partition once per attempt, rounds in order, a task that goes away breaks its attempt for the
 * others, and a round waits at most the idle timeout.
 */
class InMemoryTaskEndTest {
  private static final PartialSumExchange.Timeouts FAST =
      new PartialSumExchange.Timeouts(Duration.ofMillis(300), Duration.ofSeconds(20));

  private static PartialSumExchange exchange(int partitions, PartialSumExchange.Timeouts timeouts) throws IOException {
    return new PartialSumExchange(partitions, "127.0.0.1", "127.0.0.1", 10, timeouts, () -> false);
  }

  private static OutcomeSum partial(int p, long t) {
    return PartialSumExchangeTest.partial(p, t);
  }

  private static List<OutcomeSum> threeRounds(PartialSumExchange.TaskEnd end, int partition) throws IOException {
    List<OutcomeSum> got = new ArrayList<>();
    for (long t = 0; t < 3; t++) {
      got.add(end.allReduce(t, partial(partition, t)).sum());
    }
    end.finish();
    return got;
  }

  @Test
  void aTaskInTheDriversJvmGetsTheSameMergedSumAsOneOverTheSocket() throws Exception {
    try (PartialSumExchange relay = exchange(2, FAST)) {
      PartialSumExchange.Address address = relay.address();
      CompletableFuture<List<OutcomeSum>> inMemory = CompletableFuture.supplyAsync(() -> {
        try (PartialSumExchange.TaskEnd end = PartialSumExchange.open(address, 1, 0)) {
          assertFalse(end instanceof PartialSumExchange.Connection, "the exchange is in this JVM: no socket");
          return threeRounds(end, 0);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      CompletableFuture<List<OutcomeSum>> overSocket = CompletableFuture.supplyAsync(() -> {
        try (PartialSumExchange.TaskEnd end = new PartialSumExchange.Connection(address, 1, 1)) {
          return threeRounds(end, 1);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      List<OutcomeSum> a = inMemory.get(20, TimeUnit.SECONDS);
      List<OutcomeSum> b = overSocket.get(20, TimeUnit.SECONDS);
      for (int t = 0; t < 3; t++) {
        OutcomeSum.MeanOutcome want = OutcomeSum.empty().merge(partial(0, t)).merge(partial(1, t)).mean();
        for (OutcomeSum got : List.of(a.get(t), b.get(t))) {
          assertArrayEquals(want.metaGradient(), got.mean().metaGradient(), "round " + t);
          assertEquals(want.queryLossBefore(), got.mean().queryLossBefore());
          assertEquals(want.queryLossAfter(), got.mean().queryLossAfter());
          assertEquals(4, got.tasks());
        }
      }
      assertTrue(relay.traffic().received() > 0, "the socket task's sums were counted");
    }
  }

  @Test
  void aTaskThatGoesAwayWithoutFinishingBreaksTheRoundOthersWaitIn() throws Exception {
    try (PartialSumExchange relay = exchange(2, FAST)) {
      CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> {
        try (PartialSumExchange.TaskEnd end = PartialSumExchange.open(relay.address(), 1, 0)) {
          end.allReduce(0, partial(0, 0));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      PartialSumExchange.TaskEnd failing = PartialSumExchange.open(relay.address(), 1, 1);
      failing.close(); // as a task that threw before sending: no finish()
      ExecutionException e = assertThrows(ExecutionException.class, () -> waiting.get(10, TimeUnit.SECONDS));
      assertInstanceOf(UncheckedIOException.class, e.getCause());
      assertTrue(e.getCause().getMessage().contains("went away"), e.getCause().getMessage());
    }
  }

  @Test
  void aPartitionTwiceInOneAttemptAndRoundsOutOfOrderAreRefused() throws Exception {
    try (PartialSumExchange relay = exchange(1, FAST);
        PartialSumExchange.TaskEnd end = PartialSumExchange.open(relay.address(), 3, 0)) {
      IOException twice = assertThrows(IOException.class, () -> PartialSumExchange.open(relay.address(), 3, 0));
      assertTrue(twice.getMessage().contains("already connected"), twice.getMessage());
      assertThrows(IOException.class, () -> PartialSumExchange.open(relay.address(), 3, 1));
      end.allReduce(5, partial(0, 5));
      IOException back = assertThrows(IOException.class, () -> end.allReduce(4, partial(0, 4)));
      assertTrue(back.getMessage().contains("round 4 after 5"), back.getMessage());
      end.finish();
    }
  }

  @Test
  void aRoundThatNeverCompletesEndsAfterTheIdleTimeout() throws Exception {
    PartialSumExchange.Timeouts shortIdle =
        new PartialSumExchange.Timeouts(Duration.ofMillis(300), Duration.ofMillis(300));
    try (PartialSumExchange relay = exchange(2, shortIdle);
        PartialSumExchange.TaskEnd alone = PartialSumExchange.open(relay.address(), 1, 0)) {
      long began = System.nanoTime();
      IOException e = assertThrows(IOException.class, () -> alone.allReduce(0, partial(0, 0)));
      assertTrue(e.getMessage().contains("within 300 ms"), e.getMessage());
      assertTrue(System.nanoTime() - began >= 300_000_000L, "it waited the idle timeout first");
    }
  }

  @Test
  void onceTheExchangeIsClosedATaskNoLongerFindsItInMemory() throws Exception {
    PartialSumExchange relay = exchange(1, FAST);
    PartialSumExchange.Address address = relay.address();
    relay.close();
    // The socket is closed too, so the task fails as a task on another JVM would: at connect, or,
    // when the acceptor thread was still blocked in accept() (the JDK then closes the listening
    // socket only once that thread wakes, which on a loaded machine can be after close() returned,
    // and a connection can complete meanwhile), at its first round, which a closed exchange refuses.
    PartialSumExchange.TaskEnd end;
    try {
      end = PartialSumExchange.open(address, 1, 0);
    } catch (IOException refused) {
      return;
    }
    try (end) {
      assertInstanceOf(PartialSumExchange.Connection.class, end, "not found in memory");
      assertThrows(IOException.class, () -> end.allReduce(0, partial(0, 0)));
    }
  }

  @Test
  void closingTheExchangeEndsEveryTaskStillInIt() throws Exception {
    PartialSumExchange relay = exchange(2, FAST);
    try (PartialSumExchange.TaskEnd overSocket = new PartialSumExchange.Connection(relay.address(), 1, 0);
        PartialSumExchange.TaskEnd inMemory = PartialSumExchange.open(relay.address(), 1, 1)) {
      CompletableFuture<PartialSumExchange.Merged> waiting = CompletableFuture.supplyAsync(() -> {
        try {
          return overSocket.allReduce(0, partial(0, 0));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      relay.close();
      // Both tasks had connected, so neither is refused at connect: their rounds are. Without
      // that, these two would complete round 0 between them after the driver had closed it.
      IOException late = assertThrows(IOException.class, () -> inMemory.allReduce(0, partial(1, 0)));
      assertTrue(late.getMessage().contains("closed"), late.getMessage());
      ExecutionException e = assertThrows(ExecutionException.class, () -> waiting.get(10, TimeUnit.SECONDS));
      assertInstanceOf(UncheckedIOException.class, e.getCause());
    }
  }
}
