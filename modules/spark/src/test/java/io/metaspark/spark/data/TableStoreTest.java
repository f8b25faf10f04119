package io.metaspark.spark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.core.task.TaskData;
import io.metaspark.core.task.TaskDescriptor;
import io.metaspark.core.task.image.ClassSplit.Part;
import io.metaspark.core.task.table.GroupSplit;
import io.metaspark.core.task.table.TableIndex;
import io.metaspark.core.task.table.TableTaskFamily;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

/** Tables into task stores, on the project's fixture (src-test-data/tables) and a real local Spark. */
class TableStoreTest {
  static final String TABLES = "../../src-test-data/tables/";
  static final List<String> X = List.of("x1", "x2", "x3");
  private static JavaSparkContext sc;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    sc = new JavaSparkContext(io.metaspark.spark.SparkSetup.withDefaults(new SparkConf()
        .setMaster("local[2]").setAppName("table-store-test")
        .set("spark.ui.enabled", "false")
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.driver.bindAddress", "127.0.0.1")
        .set("spark.sql.shuffle.partitions", "4")));
  }

  @AfterAll
  static void stop() {
    sc.close();
  }

  static TableSource regression(String location, String format) {
    return new TableSource(location, format, "site", X, "y", false);
  }

  @Test
  void committedFixturesAreWhatTheGeneratorWritesAndTheParquetCopiesHoldTheSameRows() throws IOException {
    assertEquals(TableFixture.regression(), Files.readString(Path.of(TABLES, "regression.csv")));
    assertEquals(TableFixture.classification(), Files.readString(Path.of(TABLES, "classification.csv")));
    SparkSession spark = SparkSession.builder().config(sc.getConf()).getOrCreate();
    for (String name : List.of("regression", "classification")) {
      Dataset<Row> csv = spark.read().option("header", true).option("inferSchema", true).csv(TABLES + name + ".csv");
      if (Boolean.getBoolean("table.fixture.write")) {
        // regenerating: one Parquet file per table, named plainly, without Spark's marker and checksum files
        Path out = dir.resolve(name);
        csv.coalesce(1).write().parquet(out.toString());
        Path target = Files.createDirectories(Path.of(TABLES, name + ".parquet"));
        try (var files = Files.list(out)) {
          Path part = files.filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
          Files.copy(part, target.resolve("part-00000.parquet"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
      Dataset<Row> parquet = spark.read().parquet(TABLES + name + ".parquet");
      assertEquals(Arrays.asList(csv.columns()), Arrays.asList(parquet.columns()));
      assertEquals(sortedRows(csv), sortedRows(parquet), name);
    }
  }

  private static List<String> sortedRows(Dataset<Row> table) {
    return table.collectAsList().stream().map(Row::toString).sorted().toList();
  }

  @Test
  void csvInManySplitsAndParquetGiveTheSameStoreBitForBit() throws IOException {
    SparkSession spark = SparkSession.builder().config(sc.getConf()).getOrCreate();
    spark.conf().set("spark.sql.files.maxPartitionBytes", "4096"); // ~16 input partitions for the CSV
    TaskStoreBuilder.Outcome fromCsv;
    try {
      fromCsv = TaskStoreBuilder.ensure(sc, regression(TABLES + "regression.csv", "csv"), dir + "/csv", 3);
    } finally {
      spark.conf().unset("spark.sql.files.maxPartitionBytes");
    }
    TaskStoreBuilder.Outcome fromParquet =
        TaskStoreBuilder.ensure(sc, regression(TABLES + "regression.parquet", "parquet"), dir + "/parquet", 3);
    assertFalse(fromCsv.reused());
    TableIndex csv = fromCsv.store().index();
    TableIndex parquet = fromParquet.store().index();
    assertArrayEquals(csv.keys(), parquet.keys());
    assertArrayEquals(csv.rowCounts(), parquet.rowCounts());
    for (int b = 0; b < 3; b++) {
      String bucket = String.format("bucket-%05d.bin", b);
      assertArrayEquals(Files.readAllBytes(dir.resolve("csv").resolve(bucket)),
          Files.readAllBytes(dir.resolve("parquet").resolve(bucket)), bucket);
    }
  }

  @Test
  void everyGroupIsCountedWithItsRowsAndTheSplitIsAPureFunctionOfTheSeed() throws IOException {
    TaskStoreBuilder.Outcome built =
        TaskStoreBuilder.ensure(sc, regression(TABLES + "regression.parquet", "parquet"), dir + "/store", 4);
    TableIndex index = built.store().index();
    assertEquals(TableFixture.SITES, index.groupCount());
    assertEquals(1730, index.totalRows());
    assertEquals("site-00", index.keys()[0]);
    long small = Arrays.stream(index.rowCounts()).filter(n -> n < 15).count();
    assertEquals(4, small, "sites 00, 17, 34 and 51 have fewer than 15 rows");

    // rows as in the CSV: site-01's first CSV row is among its stored rows, features then target
    String first = Files.readAllLines(Path.of(TABLES, "regression.csv")).stream()
        .filter(l -> l.startsWith("site-01,")).findFirst().orElseThrow();
    double[] expected = Arrays.stream(first.split(",")).skip(1).mapToDouble(Double::parseDouble).toArray();
    double[] rows = built.store().rows(1);
    assertEquals(index.rowCounts()[1] * 4, rows.length);
    assertTrue(IntStream.range(0, index.rowCounts()[1])
        .anyMatch(r -> Arrays.equals(Arrays.copyOfRange(rows, r * 4, r * 4 + 4), expected)));

    GroupSplit split = new GroupSplit(3, 0.2, 0.1);
    Set<Integer> seen = new HashSet<>();
    for (Part part : Part.values()) {
      int[] groups = split.groups(index, part, 15);
      assertTrue(groups.length > 0, part + " has groups");
      Arrays.stream(groups).forEach(g -> assertTrue(seen.add(g), "group " + g + " in one part only"));
      assertArrayEquals(groups, new GroupSplit(3, 0.2, 0.1).groups(index, part, 15));
    }
    assertEquals(TableFixture.SITES - 4, seen.size(), "every group big enough is in a part, no other");
    assertNotEquals(Arrays.toString(split.groups(index, Part.TEST, 15)),
        Arrays.toString(new GroupSplit(4, 0.2, 0.1).groups(index, Part.TEST, 15)), "another seed, another split");

    // a complete store is reused as it is; one without its index (a crash mid-build) is rebuilt, the same
    byte[] bucket = Files.readAllBytes(dir.resolve("store/bucket-00002.bin"));
    assertTrue(TaskStoreBuilder.ensure(sc, regression(TABLES + "regression.parquet", "parquet"), dir + "/store", 4)
        .reused());
    Files.delete(dir.resolve("store/index.bin"));
    assertFalse(TaskStoreBuilder.ensure(sc, regression(TABLES + "regression.parquet", "parquet"), dir + "/store", 4)
        .reused());
    assertArrayEquals(bucket, Files.readAllBytes(dir.resolve("store/bucket-00002.bin")));
    // ... and a store of other settings is refused, not silently used
    IllegalArgumentException other = assertThrows(IllegalArgumentException.class, () -> TaskStoreBuilder.ensure(sc,
        new TableSource(TABLES + "regression.parquet", "parquet", "site", List.of("x1", "x2"), "y", false),
        dir + "/store", 4));
    assertTrue(other.getMessage().contains("other table settings"), other.getMessage());
  }

  @Test
  void aStoreWithACacheBudgetReadsTheSameRowsAndKeepsNoMoreThanItsBudget() throws IOException {
    StoredTable whole =
        TaskStoreBuilder.ensure(sc, regression(TABLES + "regression.parquet", "parquet"), dir + "/store", 4).store();
    // about two of the fixture's groups (29 rows of 4 doubles on average): most reads miss and evict
    long budget = 2048;
    StoredTable bounded = whole.withCacheBytes(budget);
    int groups = whole.index().groupCount();
    for (int pass = 0; pass < 2; pass++) {
      for (int g = 0; g < groups; g++) {
        int group = pass == 0 ? g : groups - 1 - g;
        assertArrayEquals(whole.rows(group), bounded.rows(group), "group " + group);
        assertTrue(bounded.rowCache().heldBytes() <= budget, bounded.rowCache().heldBytes() + " bytes held");
      }
    }
    assertTrue(bounded.rowCache().heldBytes() > 0, "groups that fit are kept");
    assertSame(bounded.rows(0), bounded.rows(0), "the group read last is answered from the cache");
    assertThrows(IllegalArgumentException.class, () -> whole.withCacheBytes(-1));
  }

  @Test
  void aBucketCutShortIsRefusedByNameWhenAGroupIsReadFromIt() throws IOException {
    StoredTable whole =
        TaskStoreBuilder.ensure(sc, regression(TABLES + "regression.parquet", "parquet"), dir + "/store", 1).store();
    Path bucket = dir.resolve("store/bucket-00000.bin");
    byte[] bytes = Files.readAllBytes(bucket);
    Files.write(bucket, Arrays.copyOf(bytes, bytes.length - 100));
    StoredTable bounded = whole.withCacheBytes(1 << 20);
    int last = whole.index().groupCount() - 1;
    Exception e = assertThrows(RuntimeException.class, () -> bounded.rows(last));
    assertTrue(e.getMessage().contains("bucket-00000.bin"), e.getMessage());
  }

  @Test
  void classificationTasksHaveOneHotLabelsOfTheTablesClasses() throws IOException {
    TableSource source = new TableSource(TABLES + "classification.parquet", "parquet", "device",
        List.of("f1", "f2"), "label", true);
    StoredTable store = TaskStoreBuilder.ensure(sc, source, dir + "/classes", 2).store();
    assertArrayEquals(new double[] {0, 1, 2}, store.index().classValues());
    TableTaskFamily family = new TableTaskFamily(store, new GroupSplit(0, 0.25, 0), Part.TRAIN, 4, 6);
    TaskData task = family.sample(new TaskDescriptor(0, 0, 99), DataType.FLOAT);
    assertArrayEquals(new long[] {4, 3}, task.support().labels().shape());
    assertArrayEquals(new long[] {6, 2}, task.query().features().shape());
    assertEquals(6.0, task.query().labels().sumNumber().doubleValue(), "one one per row");
    TaskData again = family.sample(new TaskDescriptor(0, 0, 99), DataType.FLOAT);
    assertEquals(task.query().features(), again.query().features());
  }

  @Test
  void aMissingColumnOrPathIsNamedBeforeAnyStoreIsWritten() {
    IllegalArgumentException column = assertThrows(IllegalArgumentException.class, () -> TaskStoreBuilder.ensure(sc,
        new TableSource(TABLES + "regression.csv", "csv", "site", List.of("x1", "x9"), "y", false), dir + "/s", 2));
    assertTrue(column.getMessage().contains("feature column 'x9' is not in"), column.getMessage());
    assertTrue(column.getMessage().contains("site, x1, x2, x3, y"), column.getMessage());
    IllegalArgumentException key = assertThrows(IllegalArgumentException.class, () -> TaskStoreBuilder.ensure(sc,
        new TableSource(TABLES + "regression.parquet", "parquet", "user", X, "y", false), dir + "/s", 2));
    assertTrue(key.getMessage().contains("key column 'user'"), key.getMessage());
    IllegalArgumentException path = assertThrows(IllegalArgumentException.class, () -> TaskStoreBuilder.ensure(sc,
        regression(dir + "/nowhere.parquet", "parquet"), dir + "/s", 2));
    assertTrue(path.getMessage().contains("nowhere.parquet"), path.getMessage());
    assertFalse(Files.exists(dir.resolve("s/index.bin")));
  }

  @Test
  void aNonNumericOrEmptyValueIsNamedWithItsColumnAndFile() throws IOException {
    List<String> lines = Files.readAllLines(Path.of(TABLES, "regression.csv"));
    Path bad = Files.createDirectories(dir.resolve("bad"));
    Files.write(bad.resolve("a.csv"), lines, StandardCharsets.UTF_8);
    List<String> broken = new java.util.ArrayList<>(lines.subList(0, 40));
    broken.set(30, broken.get(30).replaceFirst(",[^,]*,", ",n/a,")); // x1 of one row
    Files.write(bad.resolve("b.csv"), broken, StandardCharsets.UTF_8);
    BadTableException nonNumeric = assertThrows(BadTableException.class,
        () -> TaskStoreBuilder.ensure(sc, regression(bad.toString(), "csv"), dir + "/s", 2));
    assertTrue(nonNumeric.getMessage().contains("feature column 'x1'"), nonNumeric.getMessage());
    assertTrue(nonNumeric.getMessage().contains("'n/a'") && nonNumeric.getMessage().contains("b.csv"),
        nonNumeric.getMessage());

    broken.set(30, lines.get(30).replaceFirst(",[^,]*$", ",")); // no y
    Files.write(bad.resolve("b.csv"), broken, StandardCharsets.UTF_8);
    BadTableException empty = assertThrows(BadTableException.class,
        () -> TaskStoreBuilder.ensure(sc, regression(bad.toString(), "csv"), dir + "/s", 2));
    assertTrue(empty.getMessage().contains("target column 'y'") && empty.getMessage().contains("b.csv"),
        empty.getMessage());
  }

  /**
   * Infinity is no more a number a network can learn from than NaN: however a CSV or Parquet file
   * spells it (Spark's CSV reader turns "Infinity", "Inf" and an overflowing "1e999" into a double,
   * and leaves "inf" a string that casts to one), it is bad data named with its column, task key and file.
   */
  @Test
  void anInfiniteValueIsNamedWithItsColumnTaskKeyAndFile() throws IOException {
    List<String> lines = Files.readAllLines(Path.of(TABLES, "regression.csv"));
    String key = lines.get(30).split(",")[0];
    for (String infinite : List.of("Infinity", "-Infinity", "1e999", "-1e999", "Inf", "-Inf", "inf", "INF", "+inf",
        "infinity", "NaN", "nan")) {
      for (int column : new int[] {2, 4}) { // x2 (a feature) and y (the target)
        Path bad = Files.createDirectories(dir.resolve("inf-" + column + "-" + infinite));
        List<String> broken = new java.util.ArrayList<>(lines.subList(0, 40));
        String[] cells = broken.get(30).split(",");
        cells[column] = infinite;
        broken.set(30, String.join(",", cells));
        Files.write(bad.resolve("part.csv"), broken, StandardCharsets.UTF_8);
        BadTableException e = assertThrows(BadTableException.class,
            () -> TaskStoreBuilder.ensure(sc, regression(bad.toString(), "csv"), dir + "/s", 2), infinite);
        String name = column == 2 ? "feature column 'x2'" : "target column 'y'";
        assertTrue(e.getMessage().contains(name) && e.getMessage().contains("task key '" + key + "'")
            && e.getMessage().contains("part.csv"), infinite + ": " + e.getMessage());
      }
    }

    // Parquet holds IEEE doubles, infinities included
    SparkSession spark = SparkSession.builder().config(sc.getConf()).getOrCreate();
    Dataset<Row> table = spark.read().parquet(TABLES + "regression.parquet")
        .withColumn("x3", org.apache.spark.sql.functions.when(
            org.apache.spark.sql.functions.col("site").equalTo("site-07"), Double.NEGATIVE_INFINITY)
            .otherwise(org.apache.spark.sql.functions.col("x3")));
    table.coalesce(1).write().parquet(dir.resolve("inf.parquet").toString());
    BadTableException e = assertThrows(BadTableException.class,
        () -> TaskStoreBuilder.ensure(sc, regression(dir.resolve("inf.parquet").toString(), "parquet"), dir + "/s", 2));
    assertTrue(e.getMessage().contains("feature column 'x3'") && e.getMessage().contains("task key 'site-07'")
        && e.getMessage().contains(".parquet"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("s/index.bin")));
  }

  /** An empty file and a header without rows hold no tasks: said so, not "no such column" or "not numeric". */
  @Test
  void anEmptyOrHeaderOnlyCsvHasNoRows() throws IOException {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    Files.writeString(empty.resolve("a.csv"), "");
    Path header = Files.createDirectories(dir.resolve("header"));
    Files.writeString(header.resolve("a.csv"), "site,x1,x2,x3,y\n");
    for (Path table : List.of(empty, header)) {
      BadTableException e = assertThrows(BadTableException.class,
          () -> TaskStoreBuilder.ensure(sc, regression(table.toString(), "csv"), dir + "/s", 2));
      assertTrue(e.getMessage().contains("has no rows") && e.getMessage().contains(table.toString()), e.getMessage());
    }
  }
}
