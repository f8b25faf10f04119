package io.metaspark.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.metaspark.app.testing.Console;
import io.metaspark.app.testing.LocalSpark;
import io.metaspark.app.testing.TableFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** adapt --table: a whole table personalized from the command line, and its errors. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdaptTableCliTest {
  @TempDir
  static Path dir;

  private String model;
  private String table;

  @BeforeAll
  void trainAndWriteATableToPersonalize() {
    assertEquals(0, MetasparkCli.run("train", "--config", "../../conf/table-example.conf", "--master", "local[2]",
        "--set", "run.dir=" + dir, "--set", "tasks.table.location=" + TableFixture.REGRESSION,
        "--set", "train.iterations=30", "--set", "validate.every=0", "--set", "evaluate.tasks=20"));
    model = dir.resolve("table-example/final").toString();
    table = dir.resolve("personalize.parquet").toString();
    SparkSession spark = LocalSpark.start();
    try {
      TableFixture.toPersonalize(spark).write().parquet(table);
    } finally {
      spark.stop();
    }
  }

  /** The exit code and what adapt printed on stderr, shown when the code is not the expected one. */
  private String adaptFails(int expected, String... args) {
    int[] code = new int[1];
    String err = Console.err(() -> code[0] = adapt(args));
    assertEquals(expected, code[0], err);
    return err;
  }

  private int adapt(String... args) {
    List<String> all = new ArrayList<>(List.of("adapt", "--model", model, "--master", "local[2]"));
    all.addAll(List.of(args));
    return MetasparkCli.run(all.toArray(new String[0]));
  }

  @Test
  void everyGroupIsAdaptedOrCountedAndNamedAndItsParametersWritten() throws IOException {
    Path out = dir.resolve("out");
    String console = Console.out(() -> assertEquals(0, adapt("--table", table, "--parameters", "--output",
        out.toString())));
    assertTrue(console.contains(" of 60 groups and predicted 1730 rows in "), console);
    JsonNode report = new ObjectMapper().readTree(out.resolve("adapt.json").toFile());
    long tooFew = report.get("too_few_labelled_groups").asLong();
    assertTrue(tooFew > 0 && report.get("too_few_labelled_keys").size() == Math.min(5, tooFew), report.toString());
    assertTrue(console.contains(tooFew + " group(s) with fewer than 5 labelled rows not adapted, their predictions"
        + " null (" + report.get("too_few_labelled_keys").get(0).asText()), console);
    assertEquals(60, report.get("groups").asLong());
    assertEquals(1730, report.get("rows").asLong());

    SparkSession spark = LocalSpark.start();
    try {
      List<Row> parameters = spark.read().parquet(out.resolve("parameters.parquet").toString()).collectAsList();
      assertEquals(60, parameters.size(), "one row per group");
      long missing = parameters.stream().filter(r -> r.isNullAt(2)).count();
      assertEquals(tooFew, missing, "the groups with too few labelled rows have no adapted parameters");
      Row adapted = parameters.stream().filter(r -> !r.isNullAt(2)).findFirst().orElseThrow();
      assertEquals(3 * 32 + 32 + 32 * 32 + 32 + 32 + 1, adapted.getList(2).size(), "the MLP 3-32-32-1's parameters");
    } finally {
      spark.stop();
    }
  }

  @Test
  void badValuesAreBadDataAndMissingColumnsOrTablesBadUsageNamed() throws IOException {
    Path csv = dir.resolve("sites.csv");
    List<String> lines = new ArrayList<>(Files.readAllLines(Path.of("../../src-test-data/tables/regression.csv")));
    String[] cells = lines.get(100).split(",");
    cells[2] = "NaN";
    lines.set(100, String.join(",", cells));
    Files.write(csv, lines);
    String nan = adaptFails(3, "--table", csv.toString(), "--format", "csv", "--output",
        dir.resolve("nan").toString());
    assertTrue(nan.contains("bad data: --table " + csv + ": feature column 'x2' has the non-finite value NaN in group '"
        + cells[0] + "'"), nan);

    String column = adaptFails(2, "--table", table, "--feature-columns", "x1,x2,x9",
        "--output", dir.resolve("column").toString());
    assertTrue(column.contains("feature column 'x9' is not in the table; its columns are: site, x1, x2, x3, y, truth"),
        column);

    String missing = adaptFails(2, "--table", dir.resolve("none.parquet").toString(),
        "--output", dir.resolve("none").toString());
    assertTrue(missing.contains("--table " + dir.resolve("none.parquet") + ": cannot read it as parquet"), missing);

    String both = adaptFails(2, "--table", table, "--support", csv.toString());
    assertTrue(both.contains("--table adapts each group as the model was trained to"), both);
  }
}
