package io.metaspark.benchmarks;

import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The machine's practical fp32 peak through ND4J's BLAS: an n x n x n float matrix product is
 * 2 n^3 FLOPs. Native threads follow OMP_NUM_THREADS of the JMH run (run it with 1 and with 2).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class SgemmBenchmark {
  @Param({"1024", "2048"})
  public int n;

  private INDArray a;
  private INDArray b;
  private INDArray c;

  @Setup
  public void setUp() {
    Nd4j.getRandom().setSeed(1);
    a = Nd4j.rand(DataType.FLOAT, n, n);
    b = Nd4j.rand(DataType.FLOAT, n, n);
    c = Nd4j.create(DataType.FLOAT, n, n);
    System.out.printf("%nsgemm %d: %.2f GFLOP per call; ms -> GFLOP/s = %.1f / ms%n", n, 2.0 * n * n * n / 1e9,
        2.0 * n * n * n / 1e6);
  }

  @Benchmark
  public INDArray sgemm() {
    return a.mmuli(b, c);
  }
}
