package io.metaspark.app.run;

import io.metaspark.core.optim.Adam;
import io.metaspark.core.optim.OptimizerState;
import io.metaspark.core.optim.Sgd;
import io.metaspark.spark.TrainingState;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The checkpoint file format: explicit fields, never Java object serialization, so reading a file
 * cannot run code from it. Version 2 (written):
 *
 * <pre>
 * "MSCK" | int 2 | long nextIteration | int n | n doubles (meta-parameters)
 *        | optimizer state tree
 *        | int length + UTF-8 bytes (the run's config) | 32 bytes SHA-256 of everything before
 * tree:  UTF kind | int c | c x (UTF name, long value) | int a | a x (UTF name, int length, doubles)
 *        | int k | k x tree (the parts' states, in order)
 * </pre>
 *
 * The tree is {@link OptimizerState} as it is, so any composition of transformations is stored
 * without this format knowing it. Version 1, written before optimizers composed, is still read:
 * its "sgd" or "adam" record (a step count, and for Adam n doubles m and n doubles v in place of
 * the tree) becomes {@link Sgd#state} or {@link Adam#state}, what those transformations keep now.
 *
 * Doubles are written bit for bit, so a resumed run continues exactly where it stopped.
 */
final class CheckpointFormat {
  private static final byte[] MAGIC = {'M', 'S', 'C', 'K'};
  private static final int VERSION = 2;
  private static final int BEFORE_COMPOSABLE_OPTIMIZERS = 1;
  /** Deeper trees than any composition needs are not a checkpoint of ours: refuse rather than recurse. */
  private static final int MAX_TREE_DEPTH = 16;
  private static final int DIGEST_BYTES = 32;

  private CheckpointFormat() {}

  static byte[] encode(Checkpoint checkpoint) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      TrainingState state = checkpoint.state();
      out.write(MAGIC);
      out.writeInt(VERSION);
      out.writeLong(state.nextIteration());
      writeDoubles(out, state.params());
      writeState(out, state.optimizerState());
      byte[] config = checkpoint.config().getBytes(StandardCharsets.UTF_8);
      out.writeInt(config.length);
      out.write(config);
      out.flush();
      byte[] body = bytes.toByteArray();
      byte[] digest = sha256(body, body.length);
      byte[] file = Arrays.copyOf(body, body.length + DIGEST_BYTES);
      System.arraycopy(digest, 0, file, body.length, DIGEST_BYTES);
      return file;
    } catch (IOException e) {
      throw new IllegalStateException("in-memory write failed", e);
    }
  }

  /** Decodes and verifies; a truncated, corrupt or foreign file is an exception saying which. */
  static Checkpoint decode(byte[] file) throws CorruptCheckpointException {
    if (file.length < MAGIC.length + DIGEST_BYTES || !Arrays.equals(Arrays.copyOf(file, MAGIC.length), MAGIC)) {
      throw new CorruptCheckpointException("not a metaspark checkpoint (no MSCK header, " + file.length + " bytes)");
    }
    int bodyLength = file.length - DIGEST_BYTES;
    byte[] expected = Arrays.copyOfRange(file, bodyLength, file.length);
    if (!MessageDigest.isEqual(expected, sha256(file, bodyLength))) {
      throw new CorruptCheckpointException("checksum mismatch (truncated or corrupt, " + file.length + " bytes)");
    }
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(file, MAGIC.length, bodyLength - MAGIC.length));
      int version = in.readInt();
      if (version != VERSION && version != BEFORE_COMPOSABLE_OPTIMIZERS) {
        throw new CorruptCheckpointException("format version " + version + ", this metaspark reads "
            + BEFORE_COMPOSABLE_OPTIMIZERS + " and " + VERSION);
      }
      long next = in.readLong();
      double[] params = readDoubles(in);
      OptimizerState state = version == VERSION ? readState(in, 0) : readVersion1State(in, params.length);
      byte[] config = new byte[in.readInt()];
      in.readFully(config);
      if (in.available() != 0) {
        throw new CorruptCheckpointException(in.available() + " unexpected bytes after the config");
      }
      return new Checkpoint(new TrainingState(next, params, state), new String(config, StandardCharsets.UTF_8));
    } catch (EOFException e) {
      throw new CorruptCheckpointException("ends early");
    } catch (IOException e) {
      throw new CorruptCheckpointException("unreadable: " + e.getMessage());
    }
  }

  private static void writeState(DataOutputStream out, OptimizerState state) throws IOException {
    out.writeUTF(state.kind());
    out.writeInt(state.counters().size());
    for (var counter : state.counters().entrySet()) {
      out.writeUTF(counter.getKey());
      out.writeLong(counter.getValue());
    }
    out.writeInt(state.arrays().size());
    for (var array : state.arrays().entrySet()) {
      out.writeUTF(array.getKey());
      writeDoubles(out, array.getValue());
    }
    out.writeInt(state.children().size());
    for (OptimizerState child : state.children()) {
      writeState(out, child);
    }
  }

  private static OptimizerState readState(DataInputStream in, int depth) throws IOException, CorruptCheckpointException {
    if (depth > MAX_TREE_DEPTH) {
      throw new CorruptCheckpointException("an optimizer state nested deeper than " + MAX_TREE_DEPTH + " levels");
    }
    OptimizerState.Builder state = OptimizerState.of(in.readUTF());
    try {
      for (int i = count(in, "counters"); i > 0; i--) {
        state.counter(in.readUTF(), in.readLong());
      }
      for (int i = count(in, "arrays"); i > 0; i--) {
        state.array(in.readUTF(), readDoubles(in));
      }
    } catch (IllegalArgumentException e) {
      throw new CorruptCheckpointException(e.getMessage());
    }
    for (int i = count(in, "parts"); i > 0; i--) {
      state.child(readState(in, depth + 1));
    }
    return state.build();
  }

  /** Version 1's optimizer record, as the state its transformation keeps now. */
  private static OptimizerState readVersion1State(DataInputStream in, int numParams)
      throws IOException, CorruptCheckpointException {
    String optimizer = in.readUTF();
    long step = in.readLong();
    return switch (optimizer) {
      case "sgd" -> Sgd.state(step);
      case "adam" -> Adam.state(step, readRaw(in, numParams), readRaw(in, numParams));
      default -> throw new CorruptCheckpointException("unknown optimizer '" + optimizer + "'");
    };
  }

  private static int count(DataInputStream in, String what) throws IOException, CorruptCheckpointException {
    int n = in.readInt();
    if (n < 0 || n > in.available()) {
      throw new CorruptCheckpointException("an optimizer state with " + n + " " + what + " does not fit the file");
    }
    return n;
  }

  private static void writeDoubles(DataOutputStream out, double[] values) throws IOException {
    out.writeInt(values.length);
    writeRaw(out, values);
  }

  private static void writeRaw(DataOutputStream out, double[] values) throws IOException {
    for (double v : values) {
      out.writeLong(Double.doubleToRawLongBits(v));
    }
  }

  private static double[] readDoubles(DataInputStream in) throws IOException, CorruptCheckpointException {
    int n = in.readInt();
    if (n < 0 || n > in.available() / Double.BYTES) {
      throw new CorruptCheckpointException("an array of " + n + " doubles does not fit the file");
    }
    return readRaw(in, n);
  }

  private static double[] readRaw(DataInputStream in, int n) throws IOException {
    double[] values = new double[n];
    for (int i = 0; i < n; i++) {
      values[i] = Double.longBitsToDouble(in.readLong());
    }
    return values;
  }

  private static byte[] sha256(byte[] bytes, int length) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(bytes, 0, length);
      return digest.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
  }

  /** Why a checkpoint file cannot be used. */
  static final class CorruptCheckpointException extends Exception {
    CorruptCheckpointException(String message) {
      super(message);
    }
  }
}
