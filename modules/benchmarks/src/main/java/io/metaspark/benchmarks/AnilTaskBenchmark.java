package io.metaspark.benchmarks;

import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.algo.Anil;
import io.metaspark.core.algo.HessianVectorProduct;
import io.metaspark.core.algo.Maml;
import io.metaspark.core.algo.MetaAlgorithm;
import io.metaspark.core.algo.ScalarSgd;
import io.metaspark.core.model.Conv4;
import io.metaspark.core.model.HeadSplit;
import io.metaspark.core.model.Learner;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.model.ParameterInit;
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
 * One task of ANIL against one of second-order MAML, as an executor computes it (no Spark), on
 * Omniglot's conv4 (64 filters, 28x28, 5-way 1-shot, 15 queries per class, float, strided), through
 * {@code steps} inner steps: ANIL's body passes once per set against MAML's whole network per step.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class AnilTaskBenchmark {
  @Param({"maml", "anil"})
  public String algorithm;

  @Param({"1", "5"})
  public int steps;

  @Param({"stride"})
  public String downsample;

  private Learner learner;
  private MetaAlgorithm meta;
  private double[] theta;
  private TaskData task;

  @Setup
  public void setUp() {
    ModelSpec spec = Conv4.of(28, 5).filters(64).downsample(downsample).dataType(DataType.FLOAT).toSpec();
    SplittableRandom random = new SplittableRandom(7);
    task = new TaskData(new TaskDescriptor(0, 0, 3), SyntheticGlyphs.batch(random, 5, DataType.FLOAT),
        SyntheticGlyphs.batch(random, 75, DataType.FLOAT));
    meta = algorithm.equals("anil") ? new Anil(HeadSplit.of(spec), 0.4, steps)
        : new Maml(new Adaptation(new ScalarSgd(0.4), steps), HessianVectorProduct.exactWhereAvailable(0));
    learner = spec.newLearner();
    theta = ParameterInit.FAN_IN_UNIFORM.initialParams(spec, 1);
  }

  @Benchmark
  public double[] task() {
    return meta.compute(learner, theta, task, false).metaGradient();
  }
}
