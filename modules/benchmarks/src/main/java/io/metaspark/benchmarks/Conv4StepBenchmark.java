package io.metaspark.benchmarks;

import io.metaspark.core.model.Conv4;
import io.metaspark.core.model.ForwardFlops;
import io.metaspark.core.model.Learner;
import io.metaspark.core.model.LearnerChoice;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.task.Examples;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.conf.inputs.InputType;
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
 * One DL4J gradient of the Omniglot network (conv4, 64 stride-2 filters, 28x28, 5 ways) on a
 * 5-way batch: 5 images (a 1-shot support set) or 75 (15 queries per class). GFLOP/s =
 * examples x 3 x {@link ForwardFlops#perExample} / time; the setup prints the FLOPs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class Conv4StepBenchmark {
  @Param({"5", "75"})
  public int examples;

  @Param({"float"})
  public String dataType;

  /**
   * dl4j: DL4J's layers; auto: what training uses ({@link io.metaspark.core.model.conv.ConvLearner}
   * here, the convolutions through oneDNN's primitives); libnd4j: ConvLearner with libnd4j's
   * convolution ops, the first in Java; native-convolutions: every convolution through libnd4j's ops.
   */
  @Param({"dl4j", "auto", "libnd4j", "native-convolutions"})
  public String learner;

  private Learner model;
  private double[] params;
  private double[] gradient;
  private Examples batch;

  @Setup
  public void setUp() {
    DataType type = DataType.valueOf(dataType.toUpperCase(java.util.Locale.ROOT));
    Conv4 conv4 = Conv4.of(28, 5).filters(64).downsample("stride").dataType(type);
    ModelSpec spec = conv4.toSpec();
    model = LearnerChoice.named(learner).create(spec);
    params = spec.initialParams();
    gradient = new double[params.length];
    batch = SyntheticGlyphs.batch(new SplittableRandom(7), examples, type);
    long flops = (long) examples * ForwardFlops.GRADIENT_FACTOR
        * ForwardFlops.perExample(conv4.build(), InputType.convolutional(28, 28, 1));
    System.out.printf("%nconv4 gradient on %d examples: %.1f MFLOP (%s)%n", examples, flops / 1e6,
        model.getClass().getSimpleName());
  }

  @Benchmark
  public double lossAndGradient() {
    return model.lossAndGradient(params, batch, gradient);
  }
}
