package io.metaspark.app.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.metaspark.app.builtin.BuiltIns;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * metaspark-defaults.conf, the file users read, says what the declarations say: every declared key
 * is in it with its declared default, and nothing else is.
 */
class DefaultsFileTest {
  private static final Config FILE = ConfigFactory.parseResources(DefaultsFileTest.class, "/metaspark-defaults.conf");
  private static final List<Key<?>> DECLARED = BuiltIns.registries().keys();

  @Test
  void everyDeclaredKeyIsInTheFileWithItsDeclaredDefault() {
    for (Key<?> key : DECLARED) {
      assertTrue(FILE.hasPath(key.path()), key.path() + " is declared but not in metaspark-defaults.conf");
      assertEquals(key.defaultValue(), key.typed(FILE), key.path() + "'s default in metaspark-defaults.conf");
    }
  }

  @Test
  void theFileHoldsNoKeyThatNobodyDeclares() {
    Schema schema = new Schema(BuiltIns.registries());
    TreeSet<String> undeclared = new TreeSet<>();
    for (Map.Entry<String, ?> entry : FILE.entrySet()) {
      if (schema.declaring(entry.getKey()).isEmpty()) {
        undeclared.add(entry.getKey());
      }
    }
    assertEquals(new TreeSet<>(), undeclared, "keys in metaspark-defaults.conf that no declaration has");
  }

  /** The defaults a job starts from are the declarations': the file is read by people only. */
  @Test
  void aJobWithoutAConfigHasTheFilesValues() {
    Job job = Job.load(null, List.of(), BuiltIns.registries());
    assertEquals(FILE.getInt("train.meta-batch"), job.settings().train().metaBatch());
    assertEquals(FILE.getDuration("run.stale-lock-after"), job.settings().run().staleLockAfter());
    assertEquals(FILE.getDoubleList("tasks.sinusoid.phase"), job.values().get(Key.numbers("tasks.sinusoid.phase",
        List.of(), "")));
  }
}
