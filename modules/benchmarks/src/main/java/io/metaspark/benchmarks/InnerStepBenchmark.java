package io.metaspark.benchmarks;

import io.metaspark.core.model.DenseLearner;
import io.metaspark.core.model.Learner;
import io.metaspark.core.model.MlpShorthand;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.task.SinusoidTaskFamily;
import io.metaspark.core.task.TaskData;
import io.metaspark.core.task.TaskDescriptor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * One inner step's work on sinusoid regression (MLP 1-40-40-1, K = 10 points): loss and gradient
 * at a parameter vector, through the plain-Java fast path or through DL4J. The gap is DL4J's fixed
 * cost per call, which a network this small cannot amortize.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class InnerStepBenchmark {
  @Param({"dense", "dl4j"})
  public String learner;

  private Learner model;
  private double[] params;
  private double[] gradient;
  private TaskData task;

  @Setup
  public void setUp() {
    ModelSpec spec = MlpShorthand.parse("1-40-40-1").activation("relu").dataType(DataType.DOUBLE).seed(1).toSpec();
    model = learner.equals("dense") ? DenseLearner.of(spec.configuration()).orElseThrow() : spec.newDl4jLearner();
    params = spec.initialParams();
    gradient = new double[params.length];
    task = SinusoidTaskFamily.mamlProtocol(10, 10).sample(new TaskDescriptor(0, 0, 42), DataType.DOUBLE);
  }

  @Benchmark
  public double lossAndGradient() {
    return model.lossAndGradient(params, task.support(), gradient);
  }
}
