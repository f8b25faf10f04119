package io.metaspark.app.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.app.builtin.BuiltIns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/CONFIGURATION.md documents exactly the declared keys: its tables' rows name each key, in
 * backticks, with its full dotted path, in the first column (keys under spark.conf are Spark's own:
 * spark.conf is one row).
 */
class DocumentedKeysTest {
  private static final Path PAGE = Path.of("../../docs/CONFIGURATION.md");
  /** A table row's first cell holding one backticked dotted path. */
  private static final Pattern KEY_CELL = Pattern.compile("^\\|\\s*`([a-z0-9-]+(?:\\.[a-z0-9-]+)+)`\\s*\\|");

  @Test
  void theConfigurationPageDocumentsEveryDeclaredKeyAndNoOther() throws IOException {
    assertTrue(Files.isRegularFile(PAGE), PAGE + " is missing");
    TreeSet<String> documented = new TreeSet<>();
    for (String line : Files.readAllLines(PAGE)) {
      Matcher m = KEY_CELL.matcher(line.trim());
      if (m.find()) {
        documented.add(m.group(1));
      }
    }
    TreeSet<String> declared = new TreeSet<>();
    BuiltIns.registries().keys().forEach(k -> declared.add(k.path()));
    TreeSet<String> missing = new TreeSet<>(declared);
    missing.removeAll(documented);
    TreeSet<String> extra = new TreeSet<>(documented);
    extra.removeAll(declared);
    assertEquals("", (missing.isEmpty() ? "" : "not documented: " + missing)
        + (extra.isEmpty() ? "" : " documented but not declared: " + extra));
  }
}
