package io.metaspark.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.core.baseline.JointNetwork;
import io.metaspark.core.baseline.PooledData;
import io.metaspark.core.model.ParameterInit;
import io.metaspark.core.task.SinusoidTaskFamily;
import io.metaspark.core.task.TaskDescriptor;
import io.metaspark.core.task.TaskSampler;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/** The joint-training baseline fits pooled sinusoid data with dl4j-spark's parameter averaging. */
class JointTrainerTest {
  @Test
  void pooledLossDropsAndTheSameInputsGiveTheSameNetwork() {
    double[] init = ParameterInit.FAN_IN_UNIFORM.initialParams(SinusoidPlans.MODEL, 1);
    List<TaskDescriptor> tasks = new TaskSampler(42).metaBatch(0, 100);
    JointTrainer.Settings settings = new JointTrainer.Settings(2, 40, 0.01, 10);
    try (JavaSparkContext sc = LocalSpark.start("local[2]")) {
      JointTrainer trainer = new JointTrainer(sc, 2);
      JointTrainer.Result first =
          trainer.train(SinusoidPlans.MODEL, init, PooledData.of(SinusoidTaskFamily.mamlProtocol(10, 10)), tasks, settings);
      System.out.printf("joint: pooled MSE %.4f -> %.4f on %d examples%n", first.lossBefore(), first.lossAfter(),
          first.examples());
      assertEquals(100 * 20, first.examples());
      assertTrue(first.lossAfter() < 0.8 * first.lossBefore(), first.lossBefore() + " -> " + first.lossAfter());

      // regression keeps the model's shape: fine-tuning starts from the whole trained network
      double[] start = JointNetwork.startingPoint(SinusoidPlans.MODEL, init, first.network());
      assertArrayEquals(first.network().params().castTo(DataType.DOUBLE).toDoubleVector(), start);

      JointTrainer.Result again =
          trainer.train(SinusoidPlans.MODEL, init, PooledData.of(SinusoidTaskFamily.mamlProtocol(10, 10)), tasks, settings);
      assertArrayEquals(first.network().params().castTo(DataType.DOUBLE).toDoubleVector(),
          again.network().params().castTo(DataType.DOUBLE).toDoubleVector(), "same inputs, same network");
    }
  }
}
