package io.metaspark.core.sum;

import io.metaspark.core.algo.TaskOutcome;
import java.io.Serializable;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The sum of a meta-batch's task outcomes: meta-gradients, and query losses when measured, summed
 * exactly so that the mean does not depend on how tasks were grouped or in what order groups were
 * merged. Starts empty (no vector allocated), so an empty sum is cheap to ship as a zero value.
 */
public final class OutcomeSum implements Serializable {
  private static final byte EMPTY = 0;
  private static final byte EXACT = 1;
  /** A sum whose exact value is one vector of doubles (one outcome, or {@link #rounded}): 8 bytes an element. */
  private static final byte TOTALS = 2;

  private ExactVectorSum sum;
  private long measured;
  /** Whether the sum holds its vectors' rounded totals ({@link #rounded}), not their exact sum. */
  private boolean rounded;

  public static OutcomeSum empty() {
    return new OutcomeSum();
  }

  public OutcomeSum add(TaskOutcome outcome) {
    double[] g = outcome.metaGradient();
    boolean hasLosses = !Double.isNaN(outcome.queryLossBefore()) || !Double.isNaN(outcome.queryLossAfter());
    double[] row = new double[g.length + 2];
    System.arraycopy(g, 0, row, 0, g.length);
    if (hasLosses) {
      row[g.length] = outcome.queryLossBefore();
      row[g.length + 1] = outcome.queryLossAfter();
      measured++;
    }
    if (sum == null) {
      sum = new ExactVectorSum(row.length);
    }
    sum.add(row);
    rounded = false;
    return this;
  }

  public OutcomeSum merge(OutcomeSum other) {
    if (other.sum == null) {
      return this;
    }
    if (sum == null) {
      sum = new ExactVectorSum(other.sum.length());
    }
    sum.merge(other.sum);
    measured += other.measured;
    rounded = false;
    return this;
  }

  /**
   * This sum with its totals rounded, for a meta-batch that is complete: {@link #mean} gives the
   * same result bit for bit, and {@link #toBytes} takes at most one double per element, whatever
   * went into it. Merging it with more outcomes would round twice: the driver sends it to
   * barrier tasks only to take the mean.
   */
  public OutcomeSum rounded() {
    OutcomeSum r = new OutcomeSum();
    r.measured = measured;
    if (sum != null) {
      r.sum = ExactVectorSum.ofTotals(sum.round(), sum.vectors());
      r.rounded = true;
    }
    return r;
  }

  /**
   * The exact state as bytes ({@link ExactVectorSum#encode}): merging the copy {@link #fromBytes}
   * reads gives the same mean, bit for bit, as merging this sum. A sum whose exact value is one
   * vector of doubles (a single outcome, or a {@link #rounded} sum) is written as those doubles
   * when they are shorter: the exact form of float-valued or sparse vectors takes fewer than 8 bytes
   * an element.
   */
  public byte[] toBytes() {
    ExactVectorSum.Encoded exact = sum == null ? null : sum.encode();
    int exactBytes = sum == null ? 0 : exact.bytes();
    int totalsBytes = sum == null ? 0 : Integer.BYTES + Long.BYTES + sum.length() * Double.BYTES;
    boolean totals = sum != null && (rounded || sum.vectors() == 1) && totalsBytes < exactBytes;
    double[] values = totals ? sum.round() : null;
    int bytes = Long.BYTES + 1 + (totals ? totalsBytes : exactBytes);
    ByteBuffer out = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    out.putLong(measured);
    out.put(sum == null ? EMPTY : totals ? TOTALS : EXACT);
    if (totals) {
      out.putInt(values.length);
      out.putLong(sum.vectors());
      out.asDoubleBuffer().put(values);
    } else if (sum != null) {
      exact.writeTo(out);
    }
    return out.array();
  }

  /** The most bytes {@link #toBytes} can take for meta-gradients of {@code numParams} entries. */
  public static long maxEncodedBytes(int numParams) {
    return Long.BYTES + 1 + ExactVectorSum.maxEncodedBytes(numParams + 2);
  }

  /**
   * The sum {@link #toBytes} encoded, if its meta-gradients have {@code numParams} entries; bytes
   * that are not such a sum are an {@link IllegalArgumentException}.
   */
  public static OutcomeSum fromBytes(byte[] bytes, int numParams) {
    OutcomeSum s = fromBytes(bytes);
    if (s.sum != null && s.sum.length() != numParams + 2) {
      throw new IllegalArgumentException("a sum of " + (s.sum.length() - 2) + " meta-gradient entries where "
          + numParams + " were expected");
    }
    return s;
  }

  /** The sum {@link #toBytes} encoded; bytes that are not one are an {@link IllegalArgumentException}. */
  public static OutcomeSum fromBytes(byte[] bytes) {
    try {
      ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
      OutcomeSum s = new OutcomeSum();
      s.measured = in.getLong();
      byte kind = in.get();
      if (kind == EXACT) {
        s.sum = ExactVectorSum.readFrom(in);
      } else if (kind == TOTALS) {
        int length = in.getInt();
        long vectors = in.getLong();
        if (length < 0 || (long) length * Double.BYTES != in.remaining() || vectors < 1) {
          throw new IllegalArgumentException(length + " totals of " + vectors + " vectors in " + in.remaining()
              + " bytes");
        }
        double[] values = new double[length];
        in.asDoubleBuffer().get(values);
        in.position(in.position() + length * Double.BYTES);
        s.sum = ExactVectorSum.ofTotals(values, vectors);
        s.rounded = vectors > 1;
      } else if (kind != EMPTY) {
        throw new IllegalArgumentException("bad flag " + kind);
      }
      if (in.hasRemaining() || s.measured < 0 || (s.sum != null && s.measured > s.sum.vectors())) {
        throw new IllegalArgumentException(in.remaining() + " bytes left over, " + s.measured + " measured tasks");
      }
      return s;
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      throw new IllegalArgumentException("not an encoded OutcomeSum (" + bytes.length + " bytes): " + e.getMessage(), e);
    }
  }

  /** The entries of the summed outcomes' meta-gradients (0 for an empty sum). */
  public int entries() {
    return sum == null ? 0 : sum.length() - 2;
  }

  public long tasks() {
    return sum == null ? 0 : sum.vectors();
  }

  /** The mean of the task outcomes: meta-gradient and mean query losses (NaN when none were measured). */
  public MeanOutcome mean() {
    if (sum == null) {
      throw new IllegalStateException("no task outcomes were added");
    }
    double[] total = sum.round();
    int n = total.length - 2;
    double[] gradient = new double[n];
    double tasks = sum.vectors();
    for (int i = 0; i < n; i++) {
      gradient[i] = total[i] / tasks;
    }
    double before = measured > 0 ? total[n] / measured : Double.NaN;
    double after = measured > 0 ? total[n + 1] / measured : Double.NaN;
    return new MeanOutcome(gradient, before, after, sum.vectors());
  }

  /** The meta-batch's mean outcome. */
  public record MeanOutcome(double[] metaGradient, double queryLossBefore, double queryLossAfter, long tasks) {}
}
