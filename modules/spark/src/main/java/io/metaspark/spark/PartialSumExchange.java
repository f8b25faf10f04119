package io.metaspark.spark;

import io.metaspark.core.sum.OutcomeSum;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.Serializable;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's all-reduce for barrier tasks: each task sends its exact partial sum for a round (an
 * iteration's meta-gradients; with a trust-region outer step, also each of the step's
 * Fisher-vector products and line-search trials, which all tasks run in the same order); once all
 * have arrived the driver merges them, in partition order, with the exact sum ({@link OutcomeSum})
 * and sends every task the one merged sum, rounded ({@link OutcomeSum#rounded}: the same mean bit
 * for bit, less than half the bytes), with one flag: whether the driver asks the
 * tasks to stop after this iteration (a graceful stop, e.g. on SIGTERM). The flag is decided once
 * per round, the same for every task, and tasks read it from the iteration's first round, so every
 * task stops after the same iteration.
 *
 * <p>Traffic per iteration is O(P): P partial sums in, P copies of one rounded sum out. An
 * all-gather (each task receiving all P partials and merging them itself) sent P^2 partials: 16 MB
 * per iteration for the sinusoid MLP at 32 partitions against 0.9 MB now (docs/PERFORMANCE.md).
 *
 * <p>Why not Spark's own {@code BarrierTaskContext.allGather}: in Spark 3.5 a task waiting for it
 * polls with {@code Thread.sleep(1000)}, so every call costs at least a second (measured here:
 * 12 iterations took 12 s) where an iteration is a few milliseconds. Horovod-on-Spark likewise uses
 * the barrier stage only to start its tasks together, and its own channel to exchange gradients.
 *
 * <p>One plain TCP connection per task, to the driver, like Spark's barrier coordinator (the
 * same topology, minus the polling). It listens on an ephemeral port of the driver's bind address,
 * reachable by whoever can reach the driver, so it trusts nothing it reads: a connection must
 * present the run's random 64-bit token within {@link Timeouts#handshake}; at most
 * {@link #maxConnections} are served at once (others are closed at once); a partition index
 * outside [0, P), a partition that is already connected in the same stage attempt, a round out
 * of order, a message longer than a partial sum of this model can be, or one that is not such a sum
 * (of at most the model's parameter count of entries) ends the connection (and breaks its stage attempt) before anything is stored; and a connection silent for
 * {@link Timeouts#idle} is closed. Rounds are keyed by the stage attempt as well, so a rerun attempt
 * never mixes with a dead one's messages. Once the exchange is closed, no task gets a merged sum
 * from it: rounds still waiting fail, and later connections and rounds are refused.
 *
 * <p>A task that runs in the driver's own JVM (Spark's {@code local[N]}) skips the socket: its end
 * ({@link #open}) deposits its sum in the round directly and takes the merged sum as it is, with
 * the same rounds, checks and failure rules. The bits are the same (the rounded sum the socket
 * would have carried); what it saves is per round, on the iteration's critical path: four
 * encodings and decodings and three thread wake-ups (docs/PERFORMANCE.md).
 */
final class PartialSumExchange implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PartialSumExchange.class);
  /** The exchanges open in this JVM, by token: only the driver's JVM has them. */
  private static final Map<Long, PartialSumExchange> IN_THIS_JVM = new ConcurrentHashMap<>();
  /** Why a round of a stage attempt one of whose tasks went away can never complete. */
  private static final String WENT_AWAY = "another task of this barrier stage attempt went away";

  /** How long a connection may take to authenticate, and to say anything at all once it has. */
  record Timeouts(Duration handshake, Duration idle) implements Serializable {
    /** An iteration's slowest task may compute for up to an hour while the others wait for its partial sum. */
    static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(30), Duration.ofHours(1));
  }

  /**
   * Where tasks reach the exchange, the token they must present, the longest message either side
   * sends, and the model's parameter count, which every sum's gradient has.
   */
  record Address(String host, int port, long token, int maxMessageBytes, int numParams, Timeouts timeouts)
      implements Serializable {}

  private final int partitions;
  private final int maxConnections;
  private final Semaphore connections;
  private final ServerSocket server;
  private final long token = new SecureRandom().nextLong();
  private final Map<RoundKey, Round> rounds = new HashMap<>();
  /** Stage attempts one of whose tasks went away mid-segment: their rounds can never complete. */
  private final Set<Long> brokenAttempts = new HashSet<>();
  /** (attempt, partition) pairs that have connected: a second connection for one is refused. */
  private final Set<RoundKey> connected = new HashSet<>();
  private final Address address;
  private final BooleanSupplier stopRequested;
  private final LongAdder bytesReceived = new LongAdder();
  private final LongAdder bytesSent = new LongAdder();
  /**
   * Set by {@link #close}: from then on no connection is served and no round is joined. Closing
   * the listening socket alone does not ensure that: a connection can still complete while the
   * acceptor thread is waking from accept().
   */
  private volatile boolean closed;

  private record RoundKey(long attempt, long round) {}

  /**
   * @param bindHost the driver's bind address; tasks connect to {@code advertisedHost}
   * @param numParams the model's parameter count, which bounds a partial sum's size
   * @param stopRequested asked as each round completes: whether the tasks stop after that iteration
   */
  PartialSumExchange(int partitions, String bindHost, String advertisedHost, int numParams, Timeouts timeouts,
      BooleanSupplier stopRequested) throws IOException {
    this.partitions = partitions;
    // a rerun stage attempt connects while the dead one's connections may still be closing
    this.maxConnections = 2 * partitions + 8;
    this.connections = new Semaphore(maxConnections);
    this.stopRequested = stopRequested;
    this.server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getByName(bindHost), 0), maxConnections);
    this.address = new Address(advertisedHost, server.getLocalPort(), token, maxMessageBytes(numParams), numParams,
        timeouts);
    IN_THIS_JVM.put(token, this);
    Thread acceptor = new Thread(this::acceptAll, "metaspark-partial-sum-exchange");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** The most bytes an encoded partial sum of {@code numParams} parameters can take, plus room for the fixed fields. */
  static int maxMessageBytes(int numParams) {
    long bytes = 64 + OutcomeSum.maxEncodedBytes(numParams);
    return (int) Math.min(bytes, Integer.MAX_VALUE - 64);
  }

  Address address() {
    return address;
  }

  /** Bytes the driver has read and written in iterations' messages so far, handshakes aside: what a test counts. */
  record Traffic(long received, long sent) {}

  Traffic traffic() {
    return new Traffic(bytesReceived.sum(), bytesSent.sum());
  }

  private void acceptAll() {
    while (!server.isClosed()) {
      Socket socket;
      try {
        socket = server.accept();
      } catch (IOException e) {
        if (!server.isClosed()) {
          LOG.warn("partial-sum exchange: accept failed", e);
        }
        continue;
      }
      if (closed) {
        closeQuietly(socket);
        return;
      }
      if (!connections.tryAcquire()) {
        LOG.warn("partial-sum exchange: more than {} connections at once; {} refused", maxConnections,
            socket.getRemoteSocketAddress());
        closeQuietly(socket);
        continue;
      }
      Thread t = new Thread(() -> {
        try {
          serve(socket);
        } finally {
          connections.release();
        }
      }, "metaspark-partial-sum-exchange-task");
      t.setDaemon(true);
      t.start();
    }
  }

  /**
   * One task's connection: a handshake, then one message per round until the task says it is
   * done. A connection that ends otherwise (the task failed, was killed, or its executor died; or
   * it broke the protocol) breaks its stage attempt: the other tasks' pending and later rounds fail
   * at once instead of waiting forever, so the attempt ends and Spark can rerun the stage.
   */
  private void serve(Socket socket) {
    long attempt = -1;
    boolean done = false;
    try (socket) {
      socket.setTcpNoDelay(true);
      socket.setSoTimeout((int) address.timeouts().handshake().toMillis());
      DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
      DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 16));
      if (in.readLong() != token) {
        LOG.warn("partial-sum exchange: a connection from {} with a wrong token was refused", socket.getRemoteSocketAddress());
        return;
      }
      long claimed = in.readLong();
      int partition = in.readInt();
      claim(claimed, partition);
      attempt = claimed;
      socket.setSoTimeout((int) address.timeouts().idle().toMillis());
      long previous = -1;
      while (true) {
        long round = in.readLong();
        if (round < 0) {
          done = true;
          return;
        }
        int length = in.readInt();
        if (round <= previous || length < 0 || length > address.maxMessageBytes()) {
          throw new ProtocolException("round " + round + " after " + previous + ", a message of " + length
              + " bytes (at most " + address.maxMessageBytes() + ")");
        }
        previous = round;
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        bytesReceived.add(Long.BYTES + Integer.BYTES + length);
        OutcomeSum mine = decode(bytes, address.numParams());
        Round pending = roundOf(new RoundKey(attempt, round));
        byte[] merged = pending.deposit(partition, mine, 0).encoded();
        // counted before the task can read its reply, so a task that has it never sees a count without it
        bytesSent.add(1 + Integer.BYTES + merged.length);
        out.writeBoolean(pending.stop);
        out.writeInt(merged.length);
        out.write(merged);
        out.flush();
      }
    } catch (ProtocolException e) {
      LOG.warn("partial-sum exchange: a connection from {} broke the protocol and was closed: {}",
          socket.getRemoteSocketAddress(), e.getMessage());
    } catch (IOException | InterruptedException e) {
      LOG.debug("partial-sum exchange: a connection ended", e);
    } finally {
      if (!done && attempt >= 0) {
        breakAttempt(attempt);
      }
    }
  }

  private static OutcomeSum decode(byte[] bytes, int numParams) throws ProtocolException {
    try {
      return atMost(OutcomeSum.fromBytes(bytes), numParams);
    } catch (IllegalArgumentException e) {
      throw new ProtocolException(e.getMessage());
    }
  }

  /** Takes {@code partition}'s place in {@code attempt}: one end per partition, by socket or in memory. */
  private synchronized void claim(long attempt, int partition) throws IOException {
    refuseOnceClosed();
    if (partition < 0 || partition >= partitions || !connected.add(new RoundKey(attempt, partition))) {
      throw new ProtocolException("partition " + partition + " of stage attempt " + attempt
          + " is not one of 0.." + (partitions - 1) + " or is already connected");
    }
  }

  private synchronized Round roundOf(RoundKey key) throws IOException {
    refuseOnceClosed();
    Round round = rounds.computeIfAbsent(key, k -> new Round());
    if (brokenAttempts.contains(key.attempt())) {
      round.abort(WENT_AWAY);
    }
    if (++round.joined == partitions) {
      rounds.remove(key);
    }
    return round;
  }

  private synchronized void breakAttempt(long attempt) {
    brokenAttempts.add(attempt);
    rounds.forEach((key, round) -> {
      if (key.attempt() == attempt) {
        round.abort(WENT_AWAY);
      }
    });
  }

  private void refuseOnceClosed() throws IOException {
    if (closed) {
      throw new IOException("the partial-sum exchange is closed");
    }
  }

  /**
   * {@code sum}, if its outcomes have at most {@code numParams} entries: an iteration's
   * meta-gradients have that many, a trust-region step's line-search trials two.
   */
  private static OutcomeSum atMost(OutcomeSum sum, int numParams) {
    if (sum.entries() > numParams) {
      throw new IllegalArgumentException("a sum of " + sum.entries() + " entries where at most " + numParams
          + " were expected");
    }
    return sum;
  }

  /** One round's partial sums from every partition, and, once all are in, their merged sum. */
  private final class Round {
    private final OutcomeSum[] partials = new OutcomeSum[partitions];
    private int joined;
    private int arrived;
    /** Why the round can never complete, once it cannot; null until then. */
    private String aborted;
    /** Decided when the last partial arrives, the same for every task. */
    private boolean stop;
    /** The merged sum, rounded: every task only reads it. */
    private OutcomeSum merged;
    private byte[] encoded;

    /**
     * Blocks until every partition's partial sum is in, for at most {@code timeoutMillis} (0: no
     * limit); returns the round, its merged sum complete.
     */
    synchronized Round deposit(int partition, OutcomeSum partial, long timeoutMillis)
        throws InterruptedException, IOException {
      if (partials[partition] != null) {
        throw new ProtocolException("partition " + partition + " sent twice for one round");
      }
      partials[partition] = partial;
      if (++arrived == partitions) {
        merged = mergeInPartitionOrder();
        stop = stopRequested.getAsBoolean();
        notifyAll();
      }
      long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
      while (arrived < partitions && aborted == null) {
        long leftNanos = deadline - System.nanoTime();
        if (timeoutMillis != 0 && leftNanos <= 0) {
          throw new IOException("the other tasks' partial sums did not arrive within " + timeoutMillis + " ms");
        }
        // rounded up, as wait(0) would wait for ever
        wait(timeoutMillis == 0 ? 0 : (leftNanos + 999_999) / 1_000_000);
      }
      if (arrived < partitions) {
        throw new IOException(aborted);
      }
      return this;
    }

    /** The merged sum as the socket carries it, encoded once for all tasks. */
    synchronized byte[] encoded() {
      if (encoded == null) {
        encoded = merged.toBytes();
      }
      return encoded;
    }

    private OutcomeSum mergeInPartitionOrder() {
      OutcomeSum sum = OutcomeSum.empty();
      for (int p = 0; p < partitions; p++) {
        sum.merge(partials[p]);
        partials[p] = null; // the round stays reachable until its last task has read the merged sum
      }
      return sum.rounded();
    }

    synchronized void abort(String why) {
      if (aborted == null) {
        aborted = why;
      }
      notifyAll();
    }
  }

  @Override
  public void close() throws IOException {
    IN_THIS_JVM.remove(token, this);
    synchronized (this) {
      closed = true;
      rounds.values().forEach(round -> round.abort("the partial-sum exchange was closed"));
      rounds.clear();
    }
    server.close();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // nothing more to do with it
    }
  }

  /** A peer that presented the token and then broke the exchange's protocol. */
  private static final class ProtocolException extends IOException {
    ProtocolException(String message) {
      super(message);
    }
  }

  /** What one round gives a task: the round's merged sum, and whether to stop after this iteration. */
  record Merged(OutcomeSum sum, boolean stop) {}

  /** A barrier task's end of the exchange. */
  interface TaskEnd extends AutoCloseable {
    /**
     * Sends this task's exact partial sum for {@code round} (rounds ascend, in the same order in
     * every task); returns every task's, merged.
     */
    Merged allReduce(long round, OutcomeSum mine) throws IOException;

    /** Tells the exchange this task ran its whole segment; closing without it breaks the attempt. */
    void finish() throws IOException;

    @Override
    void close() throws IOException;
  }

  /**
   * The task's end of the exchange at {@code address}: in memory if that exchange lives in this
   * JVM (the task runs in the driver's), else a {@link Connection}.
   */
  static TaskEnd open(Address address, long attempt, int partition) throws IOException {
    PartialSumExchange here = IN_THIS_JVM.get(address.token());
    return here != null ? here.new InMemoryEnd(attempt, partition) : new Connection(address, attempt, partition);
  }

  /** A task's end in the driver's JVM: {@link #serve}'s rules without the socket. */
  private final class InMemoryEnd implements TaskEnd {
    private final long attempt;
    private final int partition;
    private long previous = -1;
    private boolean finished;

    InMemoryEnd(long attempt, int partition) throws IOException {
      claim(attempt, partition);
      this.attempt = attempt;
      this.partition = partition;
    }

    @Override
    public Merged allReduce(long round, OutcomeSum mine) throws IOException {
      if (round <= previous || finished) {
        throw new ProtocolException("round " + round + " after " + previous + (finished ? ", finished" : ""));
      }
      previous = round;
      try {
        Round done = roundOf(new RoundKey(attempt, round))
            .deposit(partition, atMost(mine, address.numParams()), address.timeouts().idle().toMillis());
        return new Merged(done.merged, done.stop);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted waiting for round " + round);
      }
    }

    @Override
    public void finish() {
      finished = true;
    }

    @Override
    public void close() {
      if (!finished) {
        breakAttempt(attempt);
      }
    }
  }

  /** A barrier task's end of the exchange over a socket, from another JVM. */
  static final class Connection implements TaskEnd {
    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final int maxMessageBytes;
    private final int numParams;

    /** @param attempt identifies the stage attempt: its rounds are apart from any other attempt's */
    Connection(Address address, long attempt, int partition) throws IOException {
      this.maxMessageBytes = address.maxMessageBytes();
      this.numParams = address.numParams();
      this.socket = new Socket();
      socket.connect(new InetSocketAddress(address.host(), address.port()),
          (int) address.timeouts().handshake().toMillis());
      socket.setTcpNoDelay(true);
      socket.setSoTimeout((int) address.timeouts().idle().toMillis());
      in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
      out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 16));
      out.writeLong(address.token());
      out.writeLong(attempt);
      out.writeInt(partition);
    }

    @Override
    public Merged allReduce(long round, OutcomeSum mine) throws IOException {
      byte[] bytes = mine.toBytes();
      out.writeLong(round);
      out.writeInt(bytes.length);
      out.write(bytes);
      out.flush();
      boolean stop = in.readBoolean();
      int length = in.readInt();
      if (length < 0 || length > maxMessageBytes) {
        throw new IOException("the partial-sum exchange sent a message of " + length + " bytes");
      }
      byte[] merged = new byte[length];
      in.readFully(merged);
      try {
        return new Merged(atMost(OutcomeSum.fromBytes(merged), numParams), stop);
      } catch (IllegalArgumentException e) {
        throw new IOException("the partial-sum exchange sent " + e.getMessage(), e);
      }
    }

    @Override
    public void finish() throws IOException {
      out.writeLong(-1);
      out.flush();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
