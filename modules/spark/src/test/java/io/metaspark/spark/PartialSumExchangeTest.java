package io.metaspark.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.core.algo.TaskOutcome;
import io.metaspark.core.sum.OutcomeSum;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The driver's exchange trusts nothing it reads from the network: not a silent or crowding client,
 * and not a peer with the token that sends a wrong partition, a second copy of one, a length it
 * cannot mean or bytes that are not a partial sum of the model. Each is closed before anything is
 * stored, and honest tasks still get their merged sum.
 */
class PartialSumExchangeTest {
  private static final PartialSumExchange.Timeouts FAST =
      new PartialSumExchange.Timeouts(Duration.ofMillis(300), Duration.ofSeconds(20));
  private final AtomicBoolean stop = new AtomicBoolean();

  private PartialSumExchange exchange(int partitions) throws IOException {
    return new PartialSumExchange(partitions, "127.0.0.1", "127.0.0.1", 10, FAST, stop::get);
  }

  /** Whether the relay closes {@code socket} (end of stream) within a few seconds. */
  private static boolean closedByRelay(Socket socket) throws IOException {
    return closedWithin(socket, 5000);
  }

  /** Whether the relay closes {@code socket} within {@code millis}; false if it is still open then. */
  private static boolean closedWithin(Socket socket, int millis) throws IOException {
    socket.setSoTimeout(millis);
    InputStream in = socket.getInputStream();
    try {
      return in.read() == -1;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (java.net.SocketException e) {
      return true; // reset
    }
  }

  private static Socket authenticated(PartialSumExchange.Address address, long attempt, int partition)
      throws IOException {
    Socket socket = new Socket(address.host(), address.port());
    DataOutputStream out = new DataOutputStream(socket.getOutputStream());
    out.writeLong(address.token());
    out.writeLong(attempt);
    out.writeInt(partition);
    out.flush();
    return socket;
  }

  /** Partition {@code p}'s partial sum in iteration {@code t}: two outcomes whose sum needs several partials. */
  static OutcomeSum partial(int p, long t) {
    OutcomeSum sum = OutcomeSum.empty();
    for (int k = 0; k < 2; k++) {
      double[] g = new double[10];
      for (int e = 0; e < g.length; e++) {
        g[e] = Math.scalb(1.0 + 0.1 * (p + e + k), (int) (7 * (e + p + t + k)) % 60 - 30) * (k == 1 ? -1 : 1);
      }
      sum.add(new TaskOutcome(g, p + t, 0.5 * p + k));
    }
    return sum;
  }

  /** Two honest tasks, several rounds: each gets the mean of both partials, bit for bit. */
  private static void exchangeHonestly(PartialSumExchange.Address address, long attempt) throws Exception {
    List<CompletableFuture<List<OutcomeSum>>> tasks = new ArrayList<>();
    for (int p = 0; p < 2; p++) {
      int partition = p;
      tasks.add(CompletableFuture.supplyAsync(() -> {
        try (PartialSumExchange.Connection c = new PartialSumExchange.Connection(address, attempt, partition)) {
          List<OutcomeSum> got = new ArrayList<>();
          for (long t = 0; t < 3; t++) {
            got.add(c.allReduce(t, partial(partition, t)).sum());
          }
          c.finish();
          return got;
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }));
    }
    for (CompletableFuture<List<OutcomeSum>> task : tasks) {
      List<OutcomeSum> rounds = task.get(20, TimeUnit.SECONDS);
      for (int t = 0; t < 3; t++) {
        OutcomeSum.MeanOutcome want = OutcomeSum.empty().merge(partial(0, t)).merge(partial(1, t)).mean();
        OutcomeSum.MeanOutcome got = rounds.get(t).mean();
        assertArrayEquals(want.metaGradient(), got.metaGradient(), "iteration " + t);
        assertEquals(want.queryLossBefore(), got.queryLossBefore());
        assertEquals(want.queryLossAfter(), got.queryLossAfter());
        assertEquals(4, got.tasks());
      }
    }
  }

  @Test
  void aClientThatNeverAuthenticatesIsClosedAfterTheHandshakeTimeout() throws Exception {
    try (PartialSumExchange relay = exchange(2); Socket silent = new Socket("127.0.0.1", relay.address().port())) {
      long began = System.nanoTime();
      assertTrue(closedByRelay(silent));
      assertTrue(System.nanoTime() - began < Duration.ofSeconds(4).toNanos(), "closed by the handshake timeout");
      exchangeHonestly(relay.address(), 1);
    }
  }

  @Test
  void connectionsBeyondTheBoundAreClosedAtOnce() throws Exception {
    try (PartialSumExchange relay = exchange(1)) {
      List<Socket> crowd = new ArrayList<>();
      try {
        for (int i = 0; i < 2 * 1 + 8; i++) {
          crowd.add(new Socket("127.0.0.1", relay.address().port()));
        }
        Thread.sleep(200);
        try (Socket extra = new Socket("127.0.0.1", relay.address().port())) {
          extra.setSoTimeout(250); // well before the 300 ms handshake timeout would close it
          assertEquals(-1, extra.getInputStream().read(), "refused, not served");
        }
      } finally {
        for (Socket s : crowd) {
          s.close();
        }
      }
    }
  }

  @Test
  void aPeerWithTheTokenCannotSendABadPartitionADuplicateOrABadLength() throws Exception {
    try (PartialSumExchange relay = exchange(2)) {
      PartialSumExchange.Address address = relay.address();
      for (int partition : new int[] {-1, 2, Integer.MAX_VALUE}) {
        try (Socket bad = authenticated(address, 7, partition)) {
          assertTrue(closedByRelay(bad), "partition " + partition);
        }
      }
      long attempt = 80;
      for (int length : new int[] {-5, address.maxMessageBytes() + 1, Integer.MAX_VALUE}) {
        // an attempt of its own for each: a bad message breaks its attempt, which then refuses every newcomer
        try (Socket bad = authenticated(address, attempt++, 0)) {
          DataOutputStream out = new DataOutputStream(bad.getOutputStream());
          out.writeLong(0);
          out.writeInt(length);
          out.flush();
          assertTrue(closedByRelay(bad), "length " + length);
        }
      }
      byte[] unknownLayout = partial(0, 0).toBytes();
      unknownLayout[8] = 7; // after the measured count: the kind of encoding
      byte[] wrongLength = OutcomeSum.empty().add(new TaskOutcome(new double[11], 0, 0)).toBytes();
      for (byte[] notASum : List.of(new byte[] {1, 2, 3}, unknownLayout, wrongLength)) {
        try (Socket bad = authenticated(address, attempt++, 0)) {
          DataOutputStream out = new DataOutputStream(bad.getOutputStream());
          out.writeLong(0);
          out.writeInt(notASum.length);
          out.write(notASum);
          out.flush();
          assertTrue(closedByRelay(bad), "a message of " + notASum.length + " bytes that is not a sum of 10");
        }
      }
      try (Socket first = authenticated(address, 9, 1); Socket second = authenticated(address, 9, 1)) {
        // the relay handles handshakes concurrently: whichever of the two it registers second is refused
        int closed = (closedWithin(first, 2000) ? 1 : 0) + (closedWithin(second, 2000) ? 1 : 0);
        assertEquals(1, closed, "the same partition twice in one attempt: one of the two is refused");
      }
      // a broken attempt fails its honest tasks at once, rather than leave them waiting
      try (Socket breaker = authenticated(address, 10, 1);
          PartialSumExchange.Connection honest = new PartialSumExchange.Connection(address, 10, 0)) {
        DataOutputStream out = new DataOutputStream(breaker.getOutputStream());
        out.writeLong(0);
        out.writeInt(-1);
        out.flush();
        assertThrows(IOException.class, () -> honest.allReduce(0, partial(0, 0)));
      }
      exchangeHonestly(address, 11);
    }
  }

  /** The stop flag is decided once per round: every task learns it after the same iteration. */
  @Test
  void everyTaskLearnsAStopAfterTheSameIteration() throws Exception {
    try (PartialSumExchange relay = exchange(2)) {
      List<CompletableFuture<Long>> tasks = new ArrayList<>();
      for (int p = 0; p < 2; p++) {
        int partition = p;
        tasks.add(CompletableFuture.supplyAsync(() -> {
          try (PartialSumExchange.Connection c = new PartialSumExchange.Connection(relay.address(), 1, partition)) {
            for (long t = 0; ; t++) {
              if (partition == 0 && t == 4) {
                stop.set(true);
              }
              if (c.allReduce(t, partial(partition, t)).stop()) {
                c.finish();
                return t;
              }
            }
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }));
      }
      long first = tasks.get(0).get(20, TimeUnit.SECONDS);
      assertEquals(first, (long) tasks.get(1).get(20, TimeUnit.SECONDS));
      assertFalse(first < 3, "not before it was asked: " + first);
    }
  }
}
