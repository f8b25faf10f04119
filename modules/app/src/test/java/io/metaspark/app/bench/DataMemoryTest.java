package io.metaspark.app.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.app.cli.MetasparkCli;
import io.metaspark.app.testing.Console;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench data-memory} on the glyph fixture zipped as Omniglot ships (3 alphabets of 60
 * images) and a small generated table: one row per size, the pixels' exact bytes, and the same
 * rows read with a cache budget as without. (The heap figures themselves move with the JVM's own
 * allocations and are not checked.)
 */
class DataMemoryTest {
  private static final Path GLYPHS = Path.of("../../src-test-data/glyphs/images_background");

  @Test
  void everySizeGetsARowAndABudgetReadsTheSameRows(@TempDir Path dir) throws Exception {
    Path zip = zipped(GLYPHS, dir.resolve("images_background.zip"));
    Path output = dir.resolve("data-memory.tsv");
    Console.out(() -> assertEquals(0, MetasparkCli.run("bench", "data-memory", "--images", zip.toString(),
        "--alphabets", "3", "--rows", "500", "--group-rows", "50", "--features", "2", "--buckets", "2",
        "--table-cache-mb", "1", "--repeats", "1", "--work", dir.resolve("work").toString(), "--output", output.toString())));
    List<String[]> rows = Files.readAllLines(output).stream().skip(1).map(l -> l.split("\t")).toList();
    assertEquals(4, rows.size(), "3 alphabets, all as tasks.images, the table whole and with a budget");
    assertEquals(List.of("omniglot images", "3 alphabets", "180"), List.of(rows.get(0)).subList(0, 3));
    assertEquals(List.of("omniglot images", "all, as tasks.images (rotations)", "180"),
        List.of(rows.get(1)).subList(0, 3));
    for (String[] images : rows.subList(0, 2)) {
      long count = Long.parseLong(images[2]);
      assertEquals("784", images[5], "a byte per pixel of a 28x28 image");
      assertTrue(images[6].contains("pixel arrays " + count * 784 + " B"), images[6]);
    }
    String[] whole = rows.get(2);
    String[] bounded = rows.get(3);
    assertEquals(List.of("table store rows", "500 rows", "500"), List.of(whole).subList(0, 3));
    assertEquals("24", whole[5], "two features and a target, as doubles");
    assertTrue(bounded[6].contains("tasks.table.cache-mb = 1"), bounded[6]);
    assertEquals(checksum(whole[6]), checksum(bounded[6]), "the same rows read either way (their first values)");
  }

  @Test
  void anAlphabetCountBeyondTheDataExitsWithTwo(@TempDir Path dir) throws Exception {
    Path zip = zipped(GLYPHS, dir.resolve("images_background.zip"));
    assertEquals(2, MetasparkCli.run("bench", "data-memory", "--images", zip.toString(), "--alphabets", "4",
        "--output", dir.resolve("x.tsv").toString()));
  }

  private static String checksum(String note) {
    return note.substring(note.indexOf("checksum"));
  }

  /** The folder as a zip whose entries start with its name, as Omniglot's published zips do. */
  private static Path zipped(Path folder, Path zip) throws IOException {
    try (OutputStream file = Files.newOutputStream(zip); ZipOutputStream out = new ZipOutputStream(file);
        Stream<Path> files = Files.walk(folder)) {
      for (Path image : files.filter(Files::isRegularFile).sorted().toList()) {
        out.putNextEntry(new ZipEntry(folder.getFileName() + "/" + folder.relativize(image).toString()));
        Files.copy(image, out);
        out.closeEntry();
      }
    }
    return zip;
  }
}
