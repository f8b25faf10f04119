package io.metaspark.spark.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.core.task.TaskData;
import io.metaspark.core.task.TaskDescriptor;
import io.metaspark.core.task.image.ClassSplit;
import io.metaspark.core.task.image.EpisodeTaskFamily;
import io.metaspark.core.task.image.ImageClassSet;
import io.metaspark.core.task.image.ImageClassSource;
import io.metaspark.core.task.image.ImagePreprocessing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The real Omniglot, from the published zips kept beside the repository (never in it). Skipped
 * where they are absent.
 */
class OmniglotTest {
  /** From the module's directory: the repository root's parent holds shared/data/omniglot. */
  private static final Path OMNIGLOT = Path.of("../../../shared/data/omniglot").toAbsolutePath().normalize();

  @Test
  void thePublishedZipsGive1623CharactersOf20DrawingsAnd6492RotatedClasses() {
    Path background = OMNIGLOT.resolve("images_background.zip");
    Path evaluation = OMNIGLOT.resolve("images_evaluation.zip");
    Assumptions.assumeTrue(Files.isRegularFile(background) && Files.isRegularFile(evaluation),
        "Omniglot not found at " + OMNIGLOT + ": put images_background.zip and images_evaluation.zip from "
            + "https://github.com/brendenlake/omniglot (python/) there to run this test");

    long heapBefore = usedHeap();
    long start = System.nanoTime();
    ImageClassSet characters = new ImageFolderSource(List.of(background.toString(), evaluation.toString()),
        ImagePreprocessing.omniglot(), false).decode();
    double seconds = (System.nanoTime() - start) / 1e9;
    long heapAfter = usedHeap();
    System.out.printf("Omniglot: decoded %d images of %d characters in %.1f s; pixels %.1f MiB, heap growth %.1f MiB%n",
        countImages(characters), characters.numClasses(), seconds, characters.pixelBytes() / 1048576.0,
        (heapAfter - heapBefore) / 1048576.0);

    int inBackground = 0;
    for (int c = 0; c < characters.numClasses(); c++) {
      assertEquals(20, characters.imageCount(c), characters.className(c));
      inBackground += characters.className(c).startsWith("images_background/") ? 1 : 0;
    }
    assertEquals(964, inBackground);
    assertEquals(659, characters.numClasses() - inBackground);
    assertEquals(1623, characters.numClasses());

    ImageClassSet classes = characters.withRotations();
    assertEquals(6492, classes.numClasses());
    assertEquals(characters.pixelBytes(), classes.pixelBytes(), "rotations share the pixels");

    ClassSplit standard = ClassSplit.omniglotStandard(0, 0);
    int[] train = standard.classes(classes, ClassSplit.Part.TRAIN);
    int[] test = standard.classes(classes, ClassSplit.Part.TEST);
    assertEquals(4 * 1200, train.length);
    assertEquals(4 * 423, test.length);
    Set<String> trainCharacters = new HashSet<>();
    for (int c : train) {
      trainCharacters.add(classes.characterOf(c));
    }
    assertEquals(1200, trainCharacters.size());
    for (int c : test) {
      assertTrue(!trainCharacters.contains(classes.characterOf(c)), classes.className(c) + " is on both sides");
    }
    ClassSplit alphabets = ClassSplit.omniglotAlphabets(0, 0);
    assertEquals(4 * 964, alphabets.classes(classes, ClassSplit.Part.TRAIN).length);
    assertEquals(4 * 659, alphabets.classes(classes, ClassSplit.Part.TEST).length);

    EpisodeTaskFamily family = new EpisodeTaskFamily(new Loaded(classes), standard, ClassSplit.Part.TRAIN, 5, 1, 15);
    TaskData task = family.sample(new TaskDescriptor(0, 0, 42), DataType.FLOAT);
    assertEquals(5, task.support().size());
    assertEquals(75, task.query().size());
    double ink = task.support().features().meanNumber().doubleValue();
    // strokes are a small part of an Omniglot page, inverted to ones on zeros
    assertTrue(ink > 0.02 && ink < 0.4, "mean pixel " + ink);
  }

  /** The set decoded above, without decoding it a second time. */
  private record Loaded(ImageClassSet classes) implements ImageClassSource {
    @Override
    public String describe() {
      return "omniglot (decoded in the test)";
    }
  }

  private static int countImages(ImageClassSet set) {
    int n = 0;
    for (int c = 0; c < set.numClasses(); c++) {
      n += set.imageCount(c);
    }
    return n;
  }

  private static long usedHeap() {
    Runtime runtime = Runtime.getRuntime();
    System.gc();
    return runtime.totalMemory() - runtime.freeMemory();
  }
}
