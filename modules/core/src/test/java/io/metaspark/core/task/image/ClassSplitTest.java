package io.metaspark.core.task.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ClassSplitTest {

  /** Two groups of alphabets, characters added in a shuffled order, with rotations. */
  private static ImageClassSet characters(long insertionOrder) {
    List<String> names = new ArrayList<>();
    for (int a = 0; a < 6; a++) {
      for (int c = 0; c < 10; c++) {
        names.add((a < 4 ? "images_background" : "images_evaluation") + "/alphabet" + a + "/character" + c);
      }
    }
    Collections.shuffle(names, new Random(insertionOrder));
    ImageClassSet.Builder builder = new ImageClassSet.Builder(1, 2, 2);
    names.forEach(n -> builder.add(n, "1.png", new float[4]));
    return builder.build().withRotations();
  }

  @Test
  void partsAreDisjointCoverEveryClassAndKeepRotationsTogether() {
    ImageClassSet set = characters(1);
    for (ClassSplit split : List.of(new ClassSplit.RandomCharacters(7, 40, 5), ClassSplit.omniglotAlphabets(7, 5))) {
      Map<String, ClassSplit.Part> partOfCharacter = new HashMap<>();
      int total = 0;
      for (ClassSplit.Part part : ClassSplit.Part.values()) {
        int[] classes = split.classes(set, part);
        total += classes.length;
        for (int c : classes) {
          ClassSplit.Part before = partOfCharacter.putIfAbsent(set.characterOf(c), part);
          assertTrue(before == null || before == part, set.className(c) + " straddles " + before + " and " + part);
        }
      }
      assertEquals(set.numClasses(), total, "every class in exactly one part");
    }
    ClassSplit random = new ClassSplit.RandomCharacters(7, 40, 5);
    assertEquals(4 * 35, random.classes(set, ClassSplit.Part.TRAIN).length);
    assertEquals(4 * 5, random.classes(set, ClassSplit.Part.VALIDATION).length);
    assertEquals(4 * 20, random.classes(set, ClassSplit.Part.TEST).length);
  }

  @Test
  void aSplitDependsOnTheSeedAndNamesNotOnListingOrder() {
    ClassSplit split = new ClassSplit.RandomCharacters(7, 40, 5);
    List<String> a = names(characters(1), split, ClassSplit.Part.TEST);
    List<String> b = names(characters(2), split, ClassSplit.Part.TEST);
    assertEquals(a, b);
    assertNotEquals(a, names(characters(1), new ClassSplit.RandomCharacters(8, 40, 5), ClassSplit.Part.TEST));
  }

  @Test
  void theAlphabetSplitTrainsOnTheBackgroundGroup() {
    ImageClassSet set = characters(3);
    ClassSplit split = ClassSplit.omniglotAlphabets(1, 5);
    names(set, split, ClassSplit.Part.TRAIN).forEach(n -> assertTrue(n.startsWith("images_background/"), n));
    names(set, split, ClassSplit.Part.VALIDATION).forEach(n -> assertTrue(n.startsWith("images_background/"), n));
    names(set, split, ClassSplit.Part.TEST).forEach(n -> assertTrue(n.startsWith("images_evaluation/"), n));
    assertEquals(4 * 20, split.classes(set, ClassSplit.Part.TEST).length);
    assertEquals(4 * 35, split.classes(set, ClassSplit.Part.TRAIN).length);
  }

  @Test
  void aSplitLargerThanTheDataIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ClassSplit.omniglotStandard(1, 0).classes(characters(1), ClassSplit.Part.TRAIN));
    assertTrue(e.getMessage().contains("the data has 60"), e.getMessage());
  }

  private static List<String> names(ImageClassSet set, ClassSplit split, ClassSplit.Part part) {
    List<String> names = new ArrayList<>();
    for (int c : split.classes(set, part)) {
      names.add(set.className(c));
    }
    return names;
  }
}
