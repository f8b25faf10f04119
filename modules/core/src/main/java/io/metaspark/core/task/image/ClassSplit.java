package io.metaspark.core.task.image;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;

/**
 * Which classes meta-training, validation and meta-testing draw their tasks from. Splits are made
 * over characters, so the rotations of one character always land in the same part (otherwise a
 * test class would be a turned training class). A split is a pure function of its parameters and
 * the sorted character names, never of the order files were listed in.
 */
public sealed interface ClassSplit extends Serializable {

  enum Part { TRAIN, VALIDATION, TEST }

  /** The few-shot papers' Omniglot split: 1200 random characters for meta-training, the other 423 for testing. */
  static ClassSplit omniglotStandard(long seed, int validationCharacters) {
    return new RandomCharacters(seed, 1200, validationCharacters);
  }

  /** Omniglot's own split: the background alphabets for meta-training, the evaluation alphabets for testing. */
  static ClassSplit omniglotAlphabets(long seed, int validationCharacters) {
    return new ByGroup("images_background", seed, validationCharacters);
  }

  /**
   * The split the data ships in (miniImageNet, tieredImageNet, CIFAR-FS): each class under a folder
   * named {@code train}, {@code val} or {@code test}.
   */
  static ClassSplit byFolders() {
    return new ByFolderName();
  }

  /** The characters of one part, given all characters sorted by name. */
  List<String> characters(List<String> sortedCharacters, Part part);

  /** The indices of the classes (all turns of the part's characters) of {@code set}, ascending. */
  default int[] classes(ImageClassSet set, Part part) {
    Set<String> names = new TreeSet<>();
    for (int c = 0; c < set.numClasses(); c++) {
      names.add(set.characterOf(c));
    }
    Set<String> chosen = new HashSet<>(characters(new ArrayList<>(names), part));
    return IntStream.range(0, set.numClasses())
        .filter(c -> chosen.contains(set.characterOf(c)))
        .toArray();
  }

  /**
   * {@code trainCharacters} characters drawn at random for meta-training, the first
   * {@code validationCharacters} of them held out for validation; the rest for testing.
   */
  record RandomCharacters(long seed, int trainCharacters, int validationCharacters) implements ClassSplit {
    public RandomCharacters {
      if (trainCharacters < 1 || validationCharacters < 0 || validationCharacters >= trainCharacters) {
        throw new IllegalArgumentException("need 0 <= validation < train characters, got validation "
            + validationCharacters + " of " + trainCharacters);
      }
    }

    @Override
    public List<String> characters(List<String> sortedCharacters, Part part) {
      if (trainCharacters >= sortedCharacters.size()) {
        throw new IllegalArgumentException(trainCharacters + " training characters leave none for testing: the data has "
            + sortedCharacters.size());
      }
      List<String> shuffled = shuffled(sortedCharacters, seed);
      return switch (part) {
        case VALIDATION -> shuffled.subList(0, validationCharacters);
        case TRAIN -> shuffled.subList(validationCharacters, trainCharacters);
        case TEST -> shuffled.subList(trainCharacters, shuffled.size());
      };
    }
  }

  /**
   * The characters whose name starts with {@code trainGroup + "/"} (a top folder or zip, such as
   * Omniglot's {@code images_background}) for meta-training, minus {@code validationCharacters}
   * drawn at random from them for validation; every other character for testing.
   */
  record ByGroup(String trainGroup, long seed, int validationCharacters) implements ClassSplit {
    public ByGroup {
      if (validationCharacters < 0) {
        throw new IllegalArgumentException("validation characters must be >= 0, got " + validationCharacters);
      }
    }

    @Override
    public List<String> characters(List<String> sortedCharacters, Part part) {
      String prefix = trainGroup + "/";
      List<String> training = sortedCharacters.stream().filter(n -> n.startsWith(prefix)).toList();
      if (training.size() <= validationCharacters || training.size() == sortedCharacters.size()) {
        throw new IllegalArgumentException("group " + trainGroup + " has " + training.size() + " of "
            + sortedCharacters.size() + " characters: it must exceed the " + validationCharacters
            + " validation characters and leave some for testing");
      }
      List<String> shuffled = shuffled(training, seed);
      return switch (part) {
        case VALIDATION -> shuffled.subList(0, validationCharacters);
        case TRAIN -> shuffled.subList(validationCharacters, shuffled.size());
        case TEST -> sortedCharacters.stream().filter(n -> !n.startsWith(prefix)).toList();
      };
    }
  }

  /**
   * Each class in the part its folder path names: the first of its path's folders called
   * {@code train}, {@code val} or {@code test}; a class under none of them is an error naming it.
   */
  record ByFolderName() implements ClassSplit {
    private static final Map<String, Part> PARTS = Map.of("train", Part.TRAIN, "val", Part.VALIDATION,
        "test", Part.TEST);

    @Override
    public List<String> characters(List<String> sortedCharacters, Part part) {
      List<String> chosen = new ArrayList<>();
      for (String name : sortedCharacters) {
        Part of = null;
        String[] folders = name.split("/");
        for (int i = 0; i < folders.length - 1 && of == null; i++) {
          of = PARTS.get(folders[i]);
        }
        if (of == null) {
          throw new IllegalArgumentException("class " + name + " is in no train/, val/ or test/ folder"
              + " (tasks.images.split = folders)");
        }
        if (of == part) {
          chosen.add(name);
        }
      }
      return chosen;
    }

    @Override
    public String toString() {
      return "the train/, val/ and test/ folders";
    }
  }

  private static List<String> shuffled(List<String> sorted, long seed) {
    List<String> copy = new ArrayList<>(sorted);
    // java.util.Random's sequence is specified by its documentation, so the split stays the same across JDKs
    Collections.shuffle(copy, new Random(seed));
    return copy;
  }
}
