package io.metaspark.core.sum;

import io.metaspark.core.algo.TaskOutcome;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;

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
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeLong(measured);
      out.writeBoolean(sum != null);
      if (sum != null) {
        sum.writeTo(out);
      }
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The sum {@link #toBytes} wrote, if its vectors are {@code gradientLength} long (plus the two
   * losses); bytes that are not one, or not exactly one, are refused before anything large is
   * allocated.
   *
   * @throws IllegalArgumentException naming what is wrong with {@code bytes}
   */
  public static OutcomeSum fromBytes(byte[] bytes, int gradientLength) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
      OutcomeSum s = new OutcomeSum();
      s.measured = in.readLong();
      if (in.readBoolean()) {
        s.sum = ExactVectorSum.readFrom(in, gradientLength + 2);
      }
      if (s.measured < 0 || s.measured > s.tasks()) {
        throw new IOException(s.measured + " measured tasks of " + s.tasks());
      }
      if (in.available() > 0) {
        throw new IOException(in.available() + " bytes after the sum");
      }
      return s;
    } catch (EOFException e) {
      throw new IllegalArgumentException("not an encoded sum of task outcomes with " + gradientLength
          + " gradient entries: its " + bytes.length + " bytes end too early", e);
    } catch (IOException e) {
      throw new IllegalArgumentException("not an encoded sum of task outcomes with " + gradientLength
          + " gradient entries: " + e.getMessage(), e);
    }
  }

  /**
   * This sum with its totals rounded, for a meta-batch that is complete: {@link #mean} gives the
   * same result bit for bit, from about half the bytes ({@link ExactVectorSum#rounded}).
   */
  public OutcomeSum rounded() {
    OutcomeSum r = new OutcomeSum();
    r.sum = sum == null ? null : sum.rounded();
    r.measured = measured;
    return r;
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
