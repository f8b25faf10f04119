package io.metaspark.benchmarks;

import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.algo.HessianVectorProduct;
import io.metaspark.core.algo.Maml;
import io.metaspark.core.algo.ScalarSgd;
import io.metaspark.core.model.Conv4;
import io.metaspark.core.model.Learner;
import io.metaspark.core.model.MlpShorthand;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.model.ParameterInit;
import io.metaspark.core.task.SinusoidTaskFamily;
import io.metaspark.core.task.TaskData;
import io.metaspark.core.task.TaskDescriptor;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One task of second-order MAML, one inner step, as an executor computes it (no Spark): the
 * sinusoid MLP (1-40-40-1 ReLU, K = 10 + 10, double) or Omniglot's conv4 (64 filters, 28x28,
 * 5-way 1-shot, {@code queries} query images per class, float, strided or max-pooling), with the
 * exact Hessian-vector product against the central difference it replaced.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class MamlTaskBenchmark {
  @Param({"mlp", "conv4-stride", "conv4-pool"})
  public String network;

  @Param({"auto", "central-difference"})
  public String product;

  /** Query images per class (conv4 only): 15 as the bench config and the PyTorch reference, 1 as the paper's code. */
  @Param({"15"})
  public int queries;

  private Learner learner;
  private Maml maml;
  private double[] theta;
  private TaskData task;

  @Setup
  public void setUp() {
    ModelSpec spec;
    if (network.equals("mlp")) {
      spec = MlpShorthand.parse("1-40-40-1").activation("relu").dataType(DataType.DOUBLE).toSpec();
      task = SinusoidTaskFamily.mamlProtocol(10, 10).sample(new TaskDescriptor(0, 0, 3), DataType.DOUBLE);
      maml = new Maml(new Adaptation(new ScalarSgd(0.01), 1), HessianVectorProduct.named(product, 0));
    } else {
      spec = Conv4.of(28, 5).filters(64).downsample(network.substring("conv4-".length())).dataType(DataType.FLOAT)
          .toSpec();
      SplittableRandom random = new SplittableRandom(7);
      task = new TaskData(new TaskDescriptor(0, 0, 3), SyntheticGlyphs.batch(random, 5, DataType.FLOAT),
          SyntheticGlyphs.batch(random, 5 * queries, DataType.FLOAT));
      maml = new Maml(new Adaptation(new ScalarSgd(0.4), 1), HessianVectorProduct.named(product, 0));
    }
    learner = spec.newLearner();
    theta = ParameterInit.FAN_IN_UNIFORM.initialParams(spec, 1);
  }

  @Benchmark
  public double[] task() {
    return maml.compute(learner, theta, task, false).metaGradient();
  }
}
