package io.metaspark.spark;

import io.metaspark.core.sum.OutcomeSum;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
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
import java.util.concurrent.Semaphore;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's all-gather for barrier tasks: each task sends its partial sum for an iteration and
 * gets back every task's, in partition order, once all have arrived, with one flag: whether the
 * driver asks the tasks to stop after this iteration (a graceful stop, e.g. on SIGTERM). The flag is
 * decided once per round, so every task stops after the same iteration.
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
 * outside [0, P), a partition that is already connected in the same stage attempt, an iteration out
 * of order or a message longer than a partial sum of this model can be ends the connection (and
 * breaks its stage attempt) before anything is allocated or stored; and a connection silent for
 * {@link Timeouts#idle} is closed. Rounds are keyed by the stage attempt as well, so a rerun attempt
 * never mixes with a dead one's messages.
 */
final class PartialSumExchange implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PartialSumExchange.class);

  /** How long a connection may take to authenticate, and to say anything at all once it has. */
  record Timeouts(Duration handshake, Duration idle) implements Serializable {
    /** An iteration's slowest task may compute for up to an hour while the others wait for its partial sum. */
    static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(30), Duration.ofHours(1));
  }

  /** Where tasks reach the exchange, the token they must present, and the longest message either side sends. */
  record Address(String host, int port, long token, int maxMessageBytes, Timeouts timeouts) implements Serializable {}

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

  private record RoundKey(long attempt, long iteration) {}

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
    this.address = new Address(advertisedHost, server.getLocalPort(), token, maxMessageBytes(numParams), timeouts);
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
   * One task's connection: a handshake, then one message per iteration until the task says it is
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
      if (partition < 0 || partition >= partitions || !claim(claimed, partition)) {
        throw new ProtocolException("partition " + partition + " of stage attempt " + claimed
            + " is not one of 0.." + (partitions - 1) + " or is already connected");
      }
      attempt = claimed;
      socket.setSoTimeout((int) address.timeouts().idle().toMillis());
      long previous = -1;
      while (true) {
        long iteration = in.readLong();
        if (iteration < 0) {
          done = true;
          return;
        }
        int length = in.readInt();
        if (iteration <= previous || length < 0 || length > address.maxMessageBytes()) {
          throw new ProtocolException("iteration " + iteration + " after " + previous + ", a message of " + length
              + " bytes (at most " + address.maxMessageBytes() + ")");
        }
        previous = iteration;
        byte[] mine = new byte[length];
        in.readFully(mine);
        Round round = roundOf(new RoundKey(attempt, iteration));
        byte[][] all = round.deposit(partition, mine);
        out.writeBoolean(round.stop);
        for (byte[] b : all) {
          out.writeInt(b.length);
          out.write(b);
        }
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

  private synchronized boolean claim(long attempt, int partition) {
    return connected.add(new RoundKey(attempt, partition));
  }

  private synchronized Round roundOf(RoundKey key) {
    Round round = rounds.computeIfAbsent(key, k -> new Round());
    if (brokenAttempts.contains(key.attempt())) {
      round.abort();
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
        round.abort();
      }
    });
  }

  /** One iteration's messages from every partition. */
  private final class Round {
    private final byte[][] messages = new byte[partitions][];
    private int joined;
    private int arrived;
    private boolean aborted;
    /** Decided when the last message arrives, the same for every task. */
    private boolean stop;

    synchronized byte[][] deposit(int partition, byte[] message) throws InterruptedException, IOException {
      if (messages[partition] != null) {
        throw new ProtocolException("partition " + partition + " sent twice for one iteration");
      }
      messages[partition] = message;
      if (++arrived == partitions) {
        stop = stopRequested.getAsBoolean();
        notifyAll();
      }
      while (arrived < partitions && !aborted) {
        wait();
      }
      if (arrived < partitions) {
        throw new IOException("another task of this barrier stage attempt went away");
      }
      return messages;
    }

    synchronized void abort() {
      aborted = true;
      notifyAll();
    }
  }

  @Override
  public void close() throws IOException {
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

  /** What one round gives a task: every task's message, and whether to stop after this iteration. */
  record Gathered(byte[][] messages, boolean stop) {}

  /** A barrier task's end of the exchange. */
  static final class Connection implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final int partitions;
    private final int maxMessageBytes;

    /** @param attempt identifies the stage attempt: its rounds are apart from any other attempt's */
    Connection(Address address, long attempt, int partition, int partitions) throws IOException {
      this.partitions = partitions;
      this.maxMessageBytes = address.maxMessageBytes();
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

    /** Sends this task's message for {@code iteration}; returns every task's, in partition order. */
    Gathered allGather(long iteration, byte[] mine) throws IOException {
      out.writeLong(iteration);
      out.writeInt(mine.length);
      out.write(mine);
      out.flush();
      boolean stop = in.readBoolean();
      byte[][] all = new byte[partitions][];
      for (int p = 0; p < partitions; p++) {
        int length = in.readInt();
        if (length < 0 || length > maxMessageBytes) {
          throw new IOException("the partial-sum exchange sent a message of " + length + " bytes");
        }
        all[p] = new byte[length];
        in.readFully(all[p]);
      }
      return new Gathered(all, stop);
    }

    /** Tells the exchange this task ran its whole segment; closing without it breaks the attempt. */
    void finish() throws IOException {
      out.writeLong(-1);
      out.flush();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
