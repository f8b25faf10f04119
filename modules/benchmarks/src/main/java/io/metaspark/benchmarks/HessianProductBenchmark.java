package io.metaspark.benchmarks;

import io.metaspark.core.algo.HessianVectorProduct;
import io.metaspark.core.model.Conv4;
import io.metaspark.core.model.Learner;
import io.metaspark.core.model.MlpShorthand;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.model.ParameterInit;
import io.metaspark.core.task.Examples;
import io.metaspark.core.task.SinusoidTaskFamily;
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
 * One Hessian-vector product of second-order MAML on a support set, exact (the R-operator) against
 * the central difference it replaced (two gradients): the sinusoid MLP (1-40-40-1 ReLU, 10 points,
 * double) and Omniglot's conv4 (64 filters, 28x28, 5 ways, a 5-image 1-shot support set, float),
 * strided or max-pooling. A gradient alone is the unit to compare with ({@code product=gradient}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HessianProductBenchmark {
  @Param({"mlp", "conv4-stride", "conv4-pool"})
  public String network;

  @Param({"exact", "central-difference", "gradient"})
  public String product;

  private Learner learner;
  private HessianVectorProduct hvp;
  private double[] params;
  private double[] v;
  private double[] out;
  private Examples support;

  @Setup
  public void setUp() {
    SplittableRandom random = new SplittableRandom(7);
    ModelSpec spec;
    if (network.equals("mlp")) {
      spec = MlpShorthand.parse("1-40-40-1").activation("relu").dataType(DataType.DOUBLE).toSpec();
      support = SinusoidTaskFamily.mamlProtocol(10, 10).sample(new TaskDescriptor(0, 0, 3), DataType.DOUBLE).support();
    } else {
      spec = Conv4.of(28, 5).filters(64).downsample(network.substring("conv4-".length())).dataType(DataType.FLOAT)
          .toSpec();
      support = SyntheticGlyphs.batch(random, 5, DataType.FLOAT);
    }
    learner = spec.newLearner();
    hvp = product.equals("exact") ? HessianVectorProduct.exactWhereAvailable(0)
        : HessianVectorProduct.centralDifference(0);
    params = ParameterInit.FAN_IN_UNIFORM.initialParams(spec, 1);
    v = new double[params.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = 0.01 * random.nextGaussian();
    }
    out = new double[params.length];
    System.out.printf("%n%s: %s, %s%n", network, learner.getClass().getSimpleName(),
        product.equals("gradient") ? "gradient" : hvp.methodFor(learner));
  }

  @Benchmark
  public double[] product() {
    if (product.equals("gradient")) {
      learner.lossAndGradient(params, support, out);
    } else {
      hvp.apply(learner, params, support, v, out);
    }
    return out;
  }
}
