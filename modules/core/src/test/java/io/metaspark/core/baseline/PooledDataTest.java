package io.metaspark.core.baseline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.core.task.Examples;
import io.metaspark.core.task.SinusoidTaskFamily;
import io.metaspark.core.task.TaskData;
import io.metaspark.core.task.TaskDescriptor;
import io.metaspark.core.task.TaskSampler;
import io.metaspark.core.task.image.ClassSplit;
import io.metaspark.core.task.image.EpisodeTaskFamily;
import io.metaspark.core.task.image.TaggedImages;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

class PooledDataTest {
  @Test
  void regressionTasksPoolTheirOwnSupportAndQueryExamples() {
    SinusoidTaskFamily family = SinusoidTaskFamily.mamlProtocol(3, 4);
    TaskDescriptor d = new TaskDescriptor(0, 1, 99);
    TaskData task = family.sample(d, DataType.DOUBLE);
    Examples pooled = PooledData.of(family).examples(d, DataType.DOUBLE);
    assertEquals(Nd4j.concat(0, task.support().features(), task.query().features()), pooled.features());
    assertEquals(Nd4j.concat(0, task.support().labels(), task.query().labels()), pooled.labels());
    assertEquals(0, PooledData.of(family).labelWidth(), "the model's own outputs");
  }

  /** Each image's pooled label is its class, the same column in every task, over all the part's classes. */
  @Test
  void episodesPoolWithLabelsThatMeanTheSameClassInEveryTask() {
    // 40 tagged characters, 30 of them the training part
    EpisodeTaskFamily family = new EpisodeTaskFamily(TaggedImages.of(40, 6), new ClassSplit.RandomCharacters(1, 30, 0),
        ClassSplit.Part.TRAIN, 5, 2, 3);
    PooledData pooled = PooledData.of(family);
    assertEquals(30, pooled.labelWidth());
    Map<Integer, Integer> classOfColumn = new HashMap<>();
    for (TaskDescriptor d : new TaskSampler(5).metaBatch(0, 20)) {
      TaskData task = family.sample(d, DataType.FLOAT);
      Examples examples = pooled.examples(d, DataType.FLOAT);
      assertEquals(Nd4j.concat(0, task.support().features(), task.query().features()), examples.features());
      assertArrayEquals(new long[] {5 * (2 + 3), 30}, examples.labels().shape());
      for (int i = 0; i < examples.size(); i++) {
        assertEquals(1.0, examples.labels().getRow(i).sumNumber().doubleValue(), "one-hot");
        int column = examples.labels().getRow(i).argMax().getInt(0);
        float[] image = examples.features().slice(i).dup().data().asFloat();
        Integer before = classOfColumn.putIfAbsent(column, TaggedImages.classTag(image));
        assertTrue(before == null || before == TaggedImages.classTag(image), "column " + column + " is one class");
      }
    }
    assertEquals(classOfColumn.size(), classOfColumn.values().stream().distinct().count(), "one column per class");
  }
}
