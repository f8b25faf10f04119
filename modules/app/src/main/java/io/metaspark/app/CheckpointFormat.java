package io.metaspark.app;

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
 * The checkpoint file format, version 1: explicit fields, never Java object serialization, so
 * reading a file cannot run code from it.
 *
 * <pre>
 * "MSCK" | int version | long nextIteration | int n | n doubles (parameters)
 *        | UTF optimizer ("sgd" | "adam") | long optimizer step | [adam: n doubles m, n doubles v]
 *        | int length + UTF-8 bytes (the run's config) | 32 bytes SHA-256 of everything before
 * </pre>
 *
 * Doubles are written bit for bit, so a resumed run continues exactly where it stopped.
 */
final class CheckpointFormat {
  private static final byte[] MAGIC = {'M', 'S', 'C', 'K'};
  private static final int VERSION = 1;
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
      OptimizerState optimizer = state.optimizerState();
      if (optimizer instanceof Adam.State a) {
        out.writeUTF("adam");
        out.writeLong(a.step());
        writeRaw(out, a.firstMoment());
        writeRaw(out, a.secondMoment());
      } else {
        out.writeUTF("sgd");
        out.writeLong(((Sgd.State) optimizer).step());
      }
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
      if (version != VERSION) {
        throw new CorruptCheckpointException("format version " + version + ", this metaspark reads " + VERSION);
      }
      long next = in.readLong();
      double[] params = readDoubles(in);
      String optimizer = in.readUTF();
      long step = in.readLong();
      OptimizerState state = switch (optimizer) {
        case "sgd" -> new Sgd.State(step);
        case "adam" -> new Adam.State(step, readRaw(in, params.length), readRaw(in, params.length));
        default -> throw new CorruptCheckpointException("unknown optimizer '" + optimizer + "'");
      };
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
      throw new CorruptCheckpointException("parameter count " + n + " does not fit the file");
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
