package io.metaspark.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.core.task.Examples;
import io.metaspark.core.task.SinusoidTaskFamily;
import io.metaspark.core.task.TaskDescriptor;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

class Dl4jLearnerTest {

  @Test
  void lossIsTheMeanSquaredErrorOfTheLinearModel() {
    Learner learner = TinyNetworks.linear().newDl4jLearner();
    Examples ex = new Examples(
        Nd4j.createFromArray(new double[][] {{1}, {2}}), Nd4j.createFromArray(new double[][] {{2}, {1}}));
    // w = 0.5, b = 0.25: predictions 0.75 and 1.25, errors -1.25 and 0.25
    double[] params = {0.5, 0.25};
    double expected = (1.25 * 1.25 + 0.25 * 0.25) / 2;
    assertEquals(expected, learner.loss(params, ex), 1e-15);
    double[] g = new double[2];
    assertEquals(expected, learner.lossAndGradient(params, ex, g), 1e-15);
    // dL/dw = mean(2 e x) = (2 * -1.25 * 1 + 2 * 0.25 * 2) / 2; dL/db = mean(2 e)
    assertEquals((-2.5 + 1.0) / 2, g[0], 1e-15);
    assertEquals((-2.5 + 0.5) / 2, g[1], 1e-15);
  }

  @Test
  void gradientOfAnMlpMatchesCentralDifferences() {
    ModelSpec spec = TinyNetworks.tanhMlp("1-6-5-1");
    Learner learner = spec.newDl4jLearner();
    Examples ex = SinusoidTaskFamily.mamlProtocol(7, 3)
        .sample(new TaskDescriptor(0, 0, 99), DataType.DOUBLE).support();
    double[] theta = spec.initialParams();
    double[] g = new double[theta.length];
    learner.lossAndGradient(theta, ex, g);
    double h = 1e-6;
    for (int i = 0; i < theta.length; i++) {
      double[] plus = theta.clone();
      double[] minus = theta.clone();
      plus[i] += h;
      minus[i] -= h;
      double fd = (learner.loss(plus, ex) - learner.loss(minus, ex)) / (2 * h);
      assertEquals(fd, g[i], 1e-7 * Math.max(1, Math.abs(fd)), "parameter " + i);
    }
  }

  @Test
  void wrongParameterCountIsRefusedWithBothCounts() {
    Learner learner = TinyNetworks.linear().newDl4jLearner();
    Examples ex = new Examples(Nd4j.createFromArray(new double[][] {{1}}), Nd4j.createFromArray(new double[][] {{1}}));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> learner.loss(new double[3], ex));
    assertTrue(e.getMessage().contains("expected 2 parameters, got 3"), e.getMessage());
  }
}
