package io.metaspark.core.task;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The sinusoid regression benchmark of Finn et al. (2017): y = A sin(x - phi) with A ~ U[a0, a1],
 * phi ~ U[p0, p1], x ~ U[x0, x1]; K support and Q query points drawn independently.
 */
public final class SinusoidTaskFamily implements SupervisedTaskFamily {
  private final int support;
  private final int query;
  private final Range amplitude;
  private final Range phase;
  private final Range x;

  /** An inclusive-exclusive interval [low, high). */
  public record Range(double low, double high) implements java.io.Serializable {
    public Range {
      if (!(low <= high) || !Double.isFinite(low) || !Double.isFinite(high)) {
        throw new IllegalArgumentException("a range needs finite low <= high, got [" + low + ", " + high + "]");
      }
    }

    double draw(SplittableRandom random) {
      return low + (high - low) * random.nextDouble();
    }

    @Override
    public String toString() {
      return "[" + low + ", " + high + ")";
    }
  }

  public SinusoidTaskFamily(int support, int query, Range amplitude, Range phase, Range x) {
    if (support < 1 || query < 1) {
      throw new IllegalArgumentException("support and query need >= 1 point, got " + support + " and " + query);
    }
    this.support = support;
    this.query = query;
    this.amplitude = amplitude;
    this.phase = phase;
    this.x = x;
  }

  /** The MAML paper's protocol: A in [0.1, 5], phase in [0, pi], x in [-5, 5]. */
  public static SinusoidTaskFamily mamlProtocol(int support, int query) {
    return new SinusoidTaskFamily(support, query, new Range(0.1, 5.0), new Range(0, Math.PI), new Range(-5, 5));
  }

  @Override
  public TaskData sample(TaskDescriptor descriptor, DataType dataType) {
    SplittableRandom random = new SplittableRandom(descriptor.seed());
    double a = amplitude.draw(random);
    double phi = phase.draw(random);
    return new TaskData(descriptor, points(random, a, phi, support, dataType), points(random, a, phi, query, dataType));
  }

  private Examples points(SplittableRandom random, double a, double phi, int n, DataType dataType) {
    double[] xs = new double[n];
    double[] ys = new double[n];
    for (int i = 0; i < n; i++) {
      xs[i] = x.draw(random);
      ys[i] = a * Math.sin(xs[i] - phi);
    }
    return Examples.ofRows(xs, 1, ys, 1, dataType);
  }

  @Override
  public String describe() {
    return "sinusoid(K=" + support + ", Q=" + query + ", amplitude " + amplitude + ", phase " + phase + ", x " + x + ")";
  }

  public int support() {
    return support;
  }

  public int query() {
    return query;
  }
}
