package io.metaspark.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.core.task.Examples;
import io.metaspark.core.task.TaskData;
import io.metaspark.core.task.TaskDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** conv4 with batch norm on DL4J: running statistics out of the gradient, batch statistics everywhere. */
class BatchNormLearnerTest {
  private static final ModelSpec SPEC = TinyNetworks.batchNormConv4();

  private static TaskData task(long seed) {
    return NoiseImages.episodes(16, 3, 2).sample(new TaskDescriptor(0, 0, seed), DataType.DOUBLE);
  }

  @Test
  void runningStatisticsAreTheBatchNormLayersMeanAndLogStdEntries() {
    MultiLayerNetwork net = SPEC.newNetwork();
    int[] found = new Dl4jLearner(net).runningStatistics();
    // independently: the flat positions of the views DL4J names "<layer>_mean" and "<layer>_log10stdev"
    INDArray flat = net.params();
    List<Integer> expected = new ArrayList<>();
    long offset = 0;
    for (Map.Entry<String, INDArray> entry : net.paramTable().entrySet()) {
      String key = entry.getKey();
      if (key.endsWith("_mean") || key.endsWith("_log10stdev") || key.endsWith("_var")) {
        for (long i = 0; i < entry.getValue().length(); i++) {
          expected.add((int) (offset + i));
        }
      }
      offset += entry.getValue().length();
    }
    assertEquals(flat.length(), offset, "the param table covers the flat vector");
    assertEquals(4 * 2 * 3, found.length, "4 blocks x (mean, log10stdev) x 3 filters");
    assertArrayEquals(expected.stream().mapToInt(Integer::intValue).toArray(), found);
    assertEquals(0, new Dl4jLearner(Conv4.of(16, 3).filters(3).batchNorm(false).toSpec().newNetwork())
        .runningStatistics().length);
  }

  @Test
  void gradientMatchesCentralDifferencesAndIsZeroForTheRunningStatistics() {
    Dl4jLearner learner = SPEC.newDl4jLearner();
    Examples query = task(11).query();
    double[] theta = SPEC.initialParams();
    double[] g = new double[theta.length];
    learner.lossAndGradient(theta, query, g);
    for (int i : learner.runningStatistics()) {
      assertEquals(0.0, g[i], "running statistic " + i);
    }
    double h = 1e-6;
    double largest = 0;
    for (double v : g) {
      largest = Math.max(largest, Math.abs(v));
    }
    for (int i = 0; i < theta.length; i++) {
      double[] plus = theta.clone();
      double[] minus = theta.clone();
      plus[i] += h;
      minus[i] -= h;
      double fd = (learner.loss(plus, query) - learner.loss(minus, query)) / (2 * h);
      assertEquals(fd, g[i], 1e-6 * Math.max(1e-2 * largest, Math.abs(fd)), "parameter " + i);
    }
  }

  @Test
  void dl4jCallsLeaveTheLoadedParametersAlone() {
    MultiLayerNetwork net = SPEC.newNetwork();
    Dl4jLearner learner = new Dl4jLearner(net);
    double[] theta = SPEC.initialParams();
    // nonzero running statistics, so an update towards the batch's would show
    for (int i : learner.runningStatistics()) {
      theta[i] = 0.25;
    }
    Examples support = task(3).support();
    double[] g = new double[theta.length];
    learner.lossAndGradient(theta, support, g);
    assertArrayEquals(theta, net.params().castTo(DataType.DOUBLE).toDoubleVector(), 0.0, "after the gradient");
    learner.loss(theta, support);
    assertArrayEquals(theta, net.params().castTo(DataType.DOUBLE).toDoubleVector(), 0.0, "after the loss");
    learner.outputs(theta, support.features());
    assertArrayEquals(theta, net.params().castTo(DataType.DOUBLE).toDoubleVector(), 0.0, "after the outputs");
  }

  @Test
  void outputsUseTheBatchsStatisticsAndAgreeWithTheLoss() {
    Dl4jLearner learner = SPEC.newDl4jLearner();
    assertTrue(learner.transductive());
    double[] theta = SPEC.initialParams();
    Examples query = task(5).query();
    INDArray all = learner.outputs(theta, query.features());
    INDArray firstTwo = learner.outputs(theta, query.features().get(NDArrayIndex.interval(0, 2)));
    double moved = 0;
    for (int r = 0; r < 2; r++) {
      for (int c = 0; c < 3; c++) {
        moved = Math.max(moved, Math.abs(all.getDouble(r, c) - firstTwo.getDouble(r, c)));
      }
    }
    assertTrue(moved > 1e-3, "the same images classified in another batch should get other outputs: " + moved);
    // the cross-entropy of these outputs is the loss the learner adapts and is measured by
    double crossEntropy = 0;
    for (int r = 0; r < query.size(); r++) {
      for (int c = 0; c < 3; c++) {
        crossEntropy -= query.labels().getDouble(r, c) * Math.log(all.getDouble(r, c));
      }
    }
    assertEquals(learner.loss(theta, query), crossEntropy / query.size(), 1e-12);
  }

  @Test
  void withoutBatchNormOutputsAreInferenceModeAsBefore() {
    ModelSpec plain = Conv4.of(16, 3).filters(3).downsample("stride").batchNorm(false).dataType(DataType.DOUBLE)
        .seed(5).toSpec();
    Dl4jLearner learner = plain.newDl4jLearner();
    assertFalse(learner.transductive());
    double[] theta = plain.initialParams();
    Examples query = task(5).query();
    INDArray all = learner.outputs(theta, query.features());
    INDArray firstTwo = learner.outputs(theta, query.features().get(NDArrayIndex.interval(0, 2)));
    assertArrayEquals(firstTwo.ravel().toDoubleVector(), all.get(NDArrayIndex.interval(0, 2)).ravel().toDoubleVector(),
        1e-15);
    assertArrayEquals(learner.network(theta).output(query.features(), false).ravel().toDoubleVector(),
        all.ravel().toDoubleVector(), 0.0);
  }
}
