package io.metaspark.benchmarks;

import io.metaspark.core.algo.TaskOutcome;
import io.metaspark.core.sum.OutcomeSum;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The exact (order-independent) sum's cost per task outcome: adding one meta-gradient to a
 * partition's sum, as each executor does for every task, for the sinusoid MLP (1,761 parameters)
 * and the 64-filter strided conv4 (112,709). A fresh sum per 32 outcomes, as in a meta-batch.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ExactSumBenchmark {
  @Param({"1761", "112709"})
  public int parameters;

  private TaskOutcome[] outcomes;
  private OutcomeSum sum;
  private int next;

  @Setup
  public void setUp() {
    SplittableRandom random = new SplittableRandom(3);
    outcomes = new TaskOutcome[32];
    for (int t = 0; t < outcomes.length; t++) {
      double[] g = new double[parameters];
      for (int i = 0; i < parameters; i++) {
        g[i] = random.nextGaussian() * Math.pow(10, random.nextInt(-4, 2));
      }
      outcomes[t] = new TaskOutcome(g, Double.NaN, Double.NaN);
    }
    sum = OutcomeSum.empty();
  }

  @Benchmark
  public OutcomeSum addOutcome() {
    if (next == outcomes.length) {
      next = 0;
      sum = OutcomeSum.empty();
    }
    sum = sum.add(outcomes[next++]);
    return sum;
  }
}
