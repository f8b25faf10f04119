package io.metaspark.spark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.core.task.TaskData;
import io.metaspark.core.task.TaskDescriptor;
import io.metaspark.core.task.image.ClassSplit;
import io.metaspark.core.task.image.EpisodeTaskFamily;
import io.metaspark.core.task.image.ImageClassSet;
import io.metaspark.core.task.image.ImagePreprocessing;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

class ImageFolderSourceTest {
  /** The committed fixture of {@link GlyphFixture}, from the module's directory. */
  static final Path GLYPHS = Path.of("../../src-test-data/glyphs").toAbsolutePath().normalize();
  private static final ImagePreprocessing PREP = ImagePreprocessing.omniglot();

  static ImageFolderSource glyphs(boolean rotations) {
    return new ImageFolderSource(List.of(GLYPHS.resolve("images_background").toString(),
        GLYPHS.resolve("images_evaluation").toUri().toString()), PREP, rotations);
  }

  @Test
  void theFixtureFolderLoadsAsOmniglotIsLaidOut() {
    ImageClassSet set = glyphs(false).decode();
    assertEquals(5 * GlyphFixture.CHARACTERS_PER_ALPHABET, set.numClasses());
    assertEquals("images_background/Alpha_Script/character01", set.className(0));
    assertEquals("images_evaluation/Epsilon_Hand/character03", set.className(set.numClasses() - 1));
    for (int c = 0; c < set.numClasses(); c++) {
      assertEquals(GlyphFixture.DRAWERS, set.imageCount(c));
    }
    float[] image = new float[28 * 28];
    set.copyImage(0, 0, image, 0);
    float max = 0;
    int ink = 0;
    for (float v : image) {
      max = Math.max(max, v);
      ink += v > 0.5f ? 1 : 0;
    }
    // 2-4 pixel pens at 105 cover most, not all, of a 3.75-pixel-wide output pixel
    assertTrue(max > 0.6f && ink > 10 && ink < 300, "strokes on an empty page: max " + max + ", " + ink + " inked pixels");
    assertEquals(60, glyphs(true).decode().numClasses(), "four turns per character");
  }

  @Test
  void theZippedFixtureGivesTheSameSetWithoutExtracting(@TempDir Path tmp) throws IOException {
    Path background = zip(GLYPHS.resolve("images_background"), tmp.resolve("images_background.zip"));
    Path evaluation = zip(GLYPHS.resolve("images_evaluation"), tmp.resolve("images_evaluation.zip"));
    ImageClassSet fromZips = new ImageFolderSource(List.of(background.toString(), "file://" + evaluation), PREP, false)
        .decode();
    assertSameContent(glyphs(false).decode(), fromZips);
    try (Stream<Path> files = Files.list(tmp)) {
      assertEquals(2, files.count(), "nothing extracted next to the zips");
    }
  }

  @Test
  void aCorruptImageIsNamed(@TempDir Path tmp) throws IOException {
    Path character = Files.createDirectories(tmp.resolve("set/alphabet/character01"));
    Files.copy(GLYPHS.resolve("images_background/Alpha_Script/character01/0001_01.png"), character.resolve("1.png"));
    Files.write(character.resolve("2.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 1, 2, 3, 4, 5});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ImageFolderSource(List.of(tmp.resolve("set").toString()), PREP, false).decode());
    assertTrue(e.getMessage().contains("cannot decode image") && e.getMessage().contains("character01/2.png"),
        e.getMessage());
  }

  /**
   * A zip is whole only if its central directory (at its end) says so: a copy cut at an entry's
   * header would otherwise stream as a smaller, valid-looking data set. Cut there, cut mid-entry, or
   * with a byte of an entry's data changed, the archive is refused by name, with a reason.
   */
  @Test
  void aTruncatedOrCorruptZipIsRefusedByName(@TempDir Path tmp) throws IOException {
    Path whole = zip(GLYPHS.resolve("images_background"), tmp.resolve("images_background.zip"));
    byte[] bytes = Files.readAllBytes(whole);
    int boundary = localHeaderNear(bytes, bytes.length / 2);
    byte[] flipped = bytes.clone();
    flipped[boundary + 30 + 60] ^= 0x10; // inside the entry's data, past its header and name
    java.util.Map<String, byte[]> broken = new java.util.LinkedHashMap<>();
    broken.put("cut at an entry boundary", java.util.Arrays.copyOf(bytes, boundary));
    broken.put("cut mid-entry", java.util.Arrays.copyOf(bytes, boundary + 100));
    broken.put("cut in the central directory", java.util.Arrays.copyOf(bytes, bytes.length - 30));
    broken.put("a changed byte", flipped);
    for (java.util.Map.Entry<String, byte[]> c : broken.entrySet()) {
      Path damaged = tmp.resolve("damaged.zip");
      Files.write(damaged, c.getValue());
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new ImageFolderSource(List.of(damaged.toString()), PREP, false).decode(), c.getKey());
      assertTrue(e.getMessage().contains(damaged.toString()) && e.getMessage().contains("truncated or corrupt")
          && !e.getMessage().endsWith("null"), c.getKey() + ": " + e.getMessage());
    }
  }

  /** The offset of the zip local file header (PK, 3, 4) at or after {@code from}. */
  private static int localHeaderNear(byte[] zip, int from) {
    for (int i = from; i + 4 < zip.length; i++) {
      if (zip[i] == 'P' && zip[i + 1] == 'K' && zip[i + 2] == 3 && zip[i + 3] == 4) {
        return i;
      }
    }
    throw new AssertionError("no local header after " + from);
  }

  @Test
  void aMissingRootOrAnEmptyClassIsNamed(@TempDir Path tmp) throws IOException {
    String missing = tmp.resolve("no-such-folder").toString();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ImageFolderSource(List.of(missing), PREP, false).decode());
    assertTrue(e.getMessage().contains("image data not found") && e.getMessage().contains(missing), e.getMessage());

    Files.copy(GLYPHS.resolve("images_background/Alpha_Script/character01/0001_01.png"),
        Files.createDirectories(tmp.resolve("set/alphabet/character01")).resolve("1.png"));
    Files.createDirectories(tmp.resolve("set/alphabet/character02"));
    IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
        () -> new ImageFolderSource(List.of(tmp.resolve("set").toString()), PREP, false).decode());
    assertTrue(empty.getMessage().contains("class set/alphabet/character02 is an empty folder"), empty.getMessage());
  }

  @Test
  void aFamilyTravelsWithoutPixelsAndSamplesTheSameTasksAfterwards() throws Exception {
    EpisodeTaskFamily family = new EpisodeTaskFamily(glyphs(true), ClassSplit.omniglotAlphabets(3, 2),
        ClassSplit.Part.TRAIN, 5, 1, 5);
    TaskDescriptor d = new TaskDescriptor(0, 1, 12345);
    TaskData before = family.sample(d, DataType.FLOAT);

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(family);
    }
    // the loaded set holds 300 x 784 bytes of pixels; none of it may travel
    assertTrue(bytes.size() < 4096, "serialized family is " + bytes.size() + " bytes");
    EpisodeTaskFamily copy;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (EpisodeTaskFamily) in.readObject();
    }
    TaskData after = copy.sample(d, DataType.FLOAT);
    assertArrayEquals(new long[] {5, 1, 28, 28}, after.support().features().shape());
    assertEquals(before.support().features(), after.support().features());
    assertEquals(before.query().labels(), after.query().labels());
  }

  @Test
  void theJvmCacheReturnsTheSameSetForTheSameSourceAndSettings() {
    ImageClassSet first = glyphs(false).classes();
    assertSame(first, glyphs(false).classes(), "an equal source hits the cache");
    assertTrue(first != glyphs(true).classes(), "other settings are another entry");
  }

  static void assertSameContent(ImageClassSet expected, ImageClassSet actual) {
    assertEquals(expected.numClasses(), actual.numClasses());
    float[] a = new float[expected.imageSize()];
    float[] b = new float[actual.imageSize()];
    for (int c = 0; c < expected.numClasses(); c++) {
      assertEquals(expected.className(c), actual.className(c));
      assertEquals(expected.imageCount(c), actual.imageCount(c));
      for (int i = 0; i < expected.imageCount(c); i++) {
        expected.copyImage(c, i, a, 0);
        actual.copyImage(c, i, b, 0);
        assertArrayEquals(a, b, expected.className(c) + " image " + i);
      }
    }
  }

  /** Zips a folder as the published Omniglot zips are: entries under the folder's own name, folders included. */
  static Path zip(Path folder, Path zip) throws IOException {
    try (OutputStream file = Files.newOutputStream(zip); ZipOutputStream out = new ZipOutputStream(file);
        Stream<Path> paths = Files.walk(folder)) {
      for (Path p : paths.sorted().toList()) {
        String name = folder.getParent().relativize(p).toString().replace('\\', '/');
        out.putNextEntry(new ZipEntry(Files.isDirectory(p) ? name + "/" : name));
        if (Files.isRegularFile(p)) {
          Files.copy(p, out);
        }
        out.closeEntry();
      }
    }
    return zip;
  }
}
