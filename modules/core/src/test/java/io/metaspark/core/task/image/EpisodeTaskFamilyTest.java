package io.metaspark.core.task.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.core.task.Examples;
import io.metaspark.core.task.TaskData;
import io.metaspark.core.task.TaskDescriptor;
import io.metaspark.core.task.TaskSampler;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class EpisodeTaskFamilyTest {
  private static final int WAYS = 5;
  private static final int SHOTS = 2;
  private static final int QUERIES = 3;
  private static final int PIXELS = TaggedImages.SIDE * TaggedImages.SIDE;

  /** 40 characters, 30 of them for training: the train part has 30 classes. */
  private static EpisodeTaskFamily family(ImageClassSource source) {
    return new EpisodeTaskFamily(source, new ClassSplit.RandomCharacters(1, 30, 0), ClassSplit.Part.TRAIN, WAYS,
        SHOTS, QUERIES);
  }

  @Test
  void anEpisodeHasNDistinctClassesAndDistinctImagesInConvolutionShape() {
    EpisodeTaskFamily family = family(TaggedImages.of(40, 6));
    for (TaskDescriptor d : new TaskSampler(3).metaBatch(0, 20)) {
      TaskData task = family.sample(d, DataType.FLOAT);
      assertArrayEquals(new long[] {WAYS * SHOTS, 1, 4, 4}, task.support().features().shape());
      assertArrayEquals(new long[] {WAYS * QUERIES, 1, 4, 4}, task.query().features().shape());
      assertArrayEquals(new long[] {WAYS * SHOTS, WAYS}, task.support().labels().shape());
      assertArrayEquals(new long[] {WAYS * QUERIES, WAYS}, task.query().labels().shape());

      int[] classOfLabel = new int[WAYS];
      Arrays.fill(classOfLabel, -1);
      Set<Long> images = new HashSet<>();
      for (Examples examples : new Examples[] {task.support(), task.query()}) {
        for (int i = 0; i < examples.size(); i++) {
          int label = oneHotLabel(examples.labels(), i);
          float[] image = image(examples.features(), i);
          int cls = TaggedImages.classTag(image);
          assertTrue(classOfLabel[label] == -1 || classOfLabel[label] == cls, "one class per label");
          classOfLabel[label] = cls;
          // distinct within and across support and query: they are disjoint
          assertTrue(images.add(cls * 1000L + TaggedImages.imageTag(image)), "image used twice in " + d);
        }
      }
      assertEquals(WAYS, Arrays.stream(classOfLabel).distinct().count(), "N distinct classes");
      assertEquals(WAYS * (SHOTS + QUERIES), images.size());
    }
  }

  @Test
  void theSameDescriptorGivesTheSameArraysAndOthersDiffer() {
    EpisodeTaskFamily family = family(TaggedImages.of(40, 6));
    TaskDescriptor d = new TaskDescriptor(4, 2, 99);
    TaskData a = family.sample(d, DataType.DOUBLE);
    TaskData b = family(TaggedImages.of(40, 6)).sample(d, DataType.DOUBLE);
    assertEquals(DataType.DOUBLE, a.support().features().dataType());
    assertEquals(a.support().features(), b.support().features());
    assertEquals(a.query().features(), b.query().features());
    assertEquals(a.support().labels(), b.support().labels());
    TaskData other = family.sample(new TaskDescriptor(4, 3, 100), DataType.DOUBLE);
    assertFalse(a.support().features().equals(other.support().features()));
  }

  @Test
  void labelsAreAssignedToClassesAfreshInEveryTask() {
    EpisodeTaskFamily family = family(TaggedImages.of(40, 6));
    Set<Integer> classesWithLabelZero = new HashSet<>();
    Set<Integer> labelsOfOneClass = new HashSet<>();
    int tasksWithTheClass = 0;
    for (TaskDescriptor d : new TaskSampler(5).metaBatch(0, 300)) {
      TaskData task = family.sample(d, DataType.FLOAT);
      for (int i = 0; i < task.support().size(); i++) {
        int label = oneHotLabel(task.support().labels(), i);
        int cls = TaggedImages.classTag(image(task.support().features(), i));
        if (label == 0) {
          classesWithLabelZero.add(cls);
        }
        if (cls == firstTrainClass()) {
          labelsOfOneClass.add(label);
          tasksWithTheClass++;
        }
      }
    }
    assertTrue(classesWithLabelZero.size() > 20, "label 0 went to " + classesWithLabelZero.size() + " classes");
    assertTrue(tasksWithTheClass > 0);
    assertEquals(WAYS, labelsOfOneClass.size(), "one class took every label over the tasks");
  }

  @Test
  void classesComeOnlyFromTheRequestedPart() {
    ImageClassSet set = TaggedImages.of(40, 6).classes();
    ClassSplit split = new ClassSplit.RandomCharacters(1, 30, 0);
    Set<Integer> test = new HashSet<>();
    for (int c : split.classes(set, ClassSplit.Part.TEST)) {
      test.add(c);
    }
    EpisodeTaskFamily testFamily = new EpisodeTaskFamily(TaggedImages.of(40, 6), split, ClassSplit.Part.TEST, WAYS,
        SHOTS, QUERIES);
    for (TaskDescriptor d : new TaskSampler(8).metaBatch(0, 30)) {
      TaskData task = testFamily.sample(d, DataType.FLOAT);
      for (int i = 0; i < task.query().size(); i++) {
        assertTrue(test.contains(TaggedImages.classTag(image(task.query().features(), i))));
      }
    }
  }

  @Test
  void tooFewClassesOrImagesAreReportedByName() {
    EpisodeTaskFamily twelveWays = new EpisodeTaskFamily(TaggedImages.of(40, 6),
        new ClassSplit.RandomCharacters(1, 30, 0), ClassSplit.Part.TEST, 12, 1, 1);
    IllegalArgumentException ways = assertThrows(IllegalArgumentException.class,
        () -> twelveWays.sample(new TaskDescriptor(0, 0, 1), DataType.FLOAT));
    assertTrue(ways.getMessage().contains("12-way") && ways.getMessage().contains("has 10"), ways.getMessage());

    EpisodeTaskFamily shortClass = family(new TaggedImages(40, 6, firstTrainClass(), 4));
    IllegalArgumentException images = assertThrows(IllegalArgumentException.class,
        () -> shortClass.sample(new TaskDescriptor(0, 0, 1), DataType.FLOAT));
    assertTrue(images.getMessage().contains(String.format("alphabet/character%03d has 4 images", firstTrainClass())),
        images.getMessage());
  }

  private static int firstTrainClass() {
    return new ClassSplit.RandomCharacters(1, 30, 0).classes(TaggedImages.of(40, 6).classes(), ClassSplit.Part.TRAIN)[0];
  }

  private static int oneHotLabel(INDArray labels, int row) {
    float[] values = labels.getRow(row).toFloatVector();
    int hot = -1;
    for (int j = 0; j < values.length; j++) {
      if (values[j] == 1f) {
        assertEquals(-1, hot, "one hot");
        hot = j;
      } else {
        assertEquals(0f, values[j]);
      }
    }
    assertTrue(hot >= 0, "one hot");
    return hot;
  }

  private static float[] image(INDArray features, int row) {
    return Arrays.copyOf(features.get(org.nd4j.linalg.indexing.NDArrayIndex.point(row)).ravel().toFloatVector(),
        PIXELS);
  }
}
