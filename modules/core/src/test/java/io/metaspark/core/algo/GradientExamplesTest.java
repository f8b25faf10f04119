package io.metaspark.core.algo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.metaspark.core.model.Learner;
import io.metaspark.core.model.TinyNetworks;
import io.metaspark.core.task.Examples;
import io.metaspark.core.task.SinusoidTaskFamily;
import io.metaspark.core.task.TaskData;
import io.metaspark.core.task.TaskDescriptor;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The bench's FLOP figures multiply gradientExamples: it must be what compute really runs. */
class GradientExamplesTest {

  @Test
  void eachAlgorithmDeclaresTheGradientWorkItDoes() {
    TaskData task = SinusoidTaskFamily.mamlProtocol(7, 11).sample(new TaskDescriptor(0, 0, 3), DataType.DOUBLE);
    for (int steps : new int[] {1, 3}) {
      Adaptation inner = new Adaptation(new ScalarSgd(0.01), steps);
      for (MetaAlgorithm algorithm : new MetaAlgorithm[] {
          new Maml(inner, HessianVectorProduct.exactWhereAvailable(0)), new FirstOrderMaml(inner), new Reptile(inner)}) {
        CountingLearner learner = new CountingLearner(TinyNetworks.tanhMlp("1-5-1").newLearner());
        algorithm.compute(learner, TinyNetworks.tanhMlp("1-5-1").initialParams(), task, false);
        assertEquals(learner.gradientExamples, algorithm.gradientExamples(7, 11), algorithm.name() + ", " + steps + " steps");
        assertEquals(0, learner.lossOnlyExamples, algorithm.name() + " without measuring runs no forward-only pass");
      }
    }
  }

  private static final class CountingLearner implements Learner {
    private final Learner inner;
    long gradientExamples;
    long lossOnlyExamples;

    CountingLearner(Learner inner) {
      this.inner = inner;
    }

    @Override
    public int numParams() {
      return inner.numParams();
    }

    @Override
    public DataType dataType() {
      return inner.dataType();
    }

    @Override
    public double loss(double[] params, Examples examples) {
      lossOnlyExamples += examples.size();
      return inner.loss(params, examples);
    }

    @Override
    public INDArray outputs(double[] params, INDArray features) {
      return inner.outputs(params, features);
    }

    @Override
    public double lossAndGradient(double[] params, Examples examples, double[] gradientOut) {
      gradientExamples += examples.size();
      return inner.lossAndGradient(params, examples, gradientOut);
    }

    @Override
    public void vectorJacobianProduct(double[] params, INDArray features, INDArray outputGradient,
        double[] gradientOut) {
      gradientExamples += features.size(0);
      inner.vectorJacobianProduct(params, features, outputGradient, gradientOut);
    }

    /** A gradient pass and its R-operator: two passes over the examples, as the central difference's two gradients. */
    @Override
    public void hessianVectorProduct(double[] params, Examples examples, double[] v, double[] out) {
      gradientExamples += 2L * examples.size();
      inner.hessianVectorProduct(params, examples, v, out);
    }

    @Override
    public boolean exactHessian() {
      return inner.exactHessian();
    }
  }
}
