package io.metaspark.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

/** {@code spark.mode = auto}: barrier mode where all partitions run at once, jobs mode elsewhere. */
class ModeChoiceTest {
  @Test
  void autoTakesBarrierModeWhereEveryPartitionHasATaskSlotAndJobsModeWhereNot() {
    try (JavaSparkContext sc = LocalSpark.start("local[2]")) {
      ModeChoice fits = ModeChoice.of(ExecutionMode.AUTO, sc.sc(), 2);
      assertEquals(ExecutionMode.BARRIER, fits.mode());
      assertEquals("barrier (auto: all 2 partitions run at once in 2 task slots)", fits.toString());

      ModeChoice tooMany = ModeChoice.of(ExecutionMode.AUTO, sc.sc(), 3);
      assertEquals(ExecutionMode.JOBS, tooMany.mode());
      assertEquals("jobs (auto: 2 task slots for 3 partitions, too few to run them at once)", tooMany.toString());

      assertEquals("jobs (set by spark.mode)", ModeChoice.of(ExecutionMode.JOBS, sc.sc(), 2).toString());
      assertEquals(ExecutionMode.BARRIER, ModeChoice.of(ExecutionMode.BARRIER, sc.sc(), 2).mode());
    }
  }

  @Test
  void autoTakesJobsModeUnderDynamicAllocation() {
    SparkConf conf = SparkSetup.withDefaults(new SparkConf().setMaster("local[2]").setAppName("metaspark-test")
        .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
        .set("spark.driver.bindAddress", "127.0.0.1").set("spark.dynamicAllocation.enabled", "true"));
    try (JavaSparkContext sc = new JavaSparkContext(conf)) {
      ModeChoice choice = ModeChoice.of(ExecutionMode.AUTO, sc.sc(), 2);
      assertEquals(ExecutionMode.JOBS, choice.mode());
      assertTrue(choice.reason().contains("dynamic allocation"), choice.reason());
    }
  }

  @Test
  void aTrainerOnAutoRunsTheChosenModeAndEndsWhereJobsModeEnds() {
    try (JavaSparkContext sc = LocalSpark.start("local[2]")) {
      TrainingPlan auto = SinusoidPlans.plan("maml", 6, 4, 2).toBuilder().mode(ExecutionMode.AUTO).build();
      SparkMetaTrainer trainer = new SparkMetaTrainer(sc, auto);
      assertEquals(ExecutionMode.BARRIER, trainer.mode().mode());
      double[] chosen = trainer.train(SinusoidPlans.start(auto), (r, s) -> {}).params();
      TrainingPlan jobs = auto.toBuilder().mode(ExecutionMode.JOBS).build();
      assertArrayEquals(SinusoidPlans.train(sc, jobs), chosen);
    }
  }
}
