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
  private ExactVectorSum sum;
  private long measured;

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
    return this;
  }

  /**
   * The exact state as bytes ({@link ExactVectorSum#writeTo}): merging the copy {@link #fromBytes}
   * reads gives the same mean, bit for bit, as merging this sum.
   */
  public byte[] toBytes() {
    int bytes = Long.BYTES + 1 + (sum == null ? 0 : sum.encodedBytes());
    ByteBuffer out = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    out.putLong(measured);
    out.put((byte) (sum == null ? 0 : 1));
    if (sum != null) {
      sum.writeTo(out);
    }
    return out.array();
  }

  /** The most bytes {@link #toBytes} can take for meta-gradients of {@code numParams} entries. */
  public static long maxEncodedBytes(int numParams) {
    return Long.BYTES + 1 + ExactVectorSum.maxEncodedBytes(numParams + 2);
  }

  /** The sum {@link #toBytes} encoded; bytes that are not one are an {@link IllegalArgumentException}. */
  public static OutcomeSum fromBytes(byte[] bytes) {
    try {
      ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
      OutcomeSum s = new OutcomeSum();
      s.measured = in.getLong();
      byte hasSum = in.get();
      if (hasSum == 1) {
        s.sum = ExactVectorSum.readFrom(in);
      } else if (hasSum != 0) {
        throw new IllegalArgumentException("bad flag " + hasSum);
      }
      if (in.hasRemaining() || s.measured < 0 || (s.sum != null && s.measured > s.sum.vectors())) {
        throw new IllegalArgumentException(in.remaining() + " bytes left over, " + s.measured + " measured tasks");
      }
      return s;
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      throw new IllegalArgumentException("not an encoded OutcomeSum (" + bytes.length + " bytes): " + e.getMessage(), e);
    }
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
