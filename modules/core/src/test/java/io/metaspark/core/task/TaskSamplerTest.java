package io.metaspark.core.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

class TaskSamplerTest {

  @Test
  void aTaskDependsOnlyOnRunSeedIterationAndIndex() {
    List<TaskDescriptor> a = new TaskSampler(42).metaBatch(7, 5);
    List<TaskDescriptor> b = new TaskSampler(42).metaBatch(7, 5);
    assertEquals(a, b);
    assertEquals(new TaskDescriptor(7, 3, TaskSeeds.of(42, 7, 3)), a.get(3));
    SinusoidTaskFamily family = SinusoidTaskFamily.mamlProtocol(10, 10);
    TaskData first = family.sample(a.get(2), DataType.DOUBLE);
    TaskData again = family.sample(b.get(2), DataType.DOUBLE);
    assertEquals(first.support().features(), again.support().features());
    assertEquals(first.query().labels(), again.query().labels());
  }

  @Test
  void seedsDoNotCollideAcrossIterationsIndicesOrTheEvaluationStream() {
    Set<Long> seeds = new HashSet<>();
    TaskSampler sampler = new TaskSampler(1);
    for (int t = 0; t < 200; t++) {
      sampler.metaBatch(t, 25).forEach(d -> seeds.add(d.seed()));
    }
    TaskSampler.evaluationTasks(1, 600).forEach(d -> seeds.add(d.seed()));
    assertEquals(200 * 25 + 600, seeds.size());
    assertNotEquals(TaskSeeds.of(1, 0, 1), TaskSeeds.of(1, 1, 0));
  }

  @Test
  void sinusoidTasksFollowTheMamlProtocol() {
    SinusoidTaskFamily family = SinusoidTaskFamily.mamlProtocol(10, 5);
    for (TaskDescriptor d : new TaskSampler(3).metaBatch(0, 50)) {
      TaskData task = family.sample(d, DataType.DOUBLE);
      assertEquals(10, task.support().size());
      assertEquals(5, task.query().size());
      double[] x = task.support().features().toDoubleVector();
      double[] y = task.support().labels().toDoubleVector();
      for (int i = 0; i < x.length; i++) {
        assertTrue(x[i] >= -5 && x[i] < 5, "x in [-5, 5)");
        assertTrue(Math.abs(y[i]) < 5, "|y| <= amplitude < 5");
      }
    }
    // the same amplitude and phase for support and query: both lie on one sinusoid
    TaskData task = family.sample(new TaskDescriptor(0, 0, 5), DataType.DOUBLE);
    assertArrayEquals(task.support().features().shape(), new long[] {10, 1});
  }
}
