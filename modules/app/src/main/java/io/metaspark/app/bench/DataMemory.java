package io.metaspark.app.bench;

import io.metaspark.app.config.ConfigError;
import io.metaspark.app.run.SparkContexts;
import io.metaspark.core.task.image.ImageClassSet;
import io.metaspark.core.task.image.ImagePreprocessing;
import io.metaspark.spark.data.ImageFolderSource;
import io.metaspark.spark.data.StoredTable;
import io.metaspark.spark.data.TableSource;
import io.metaspark.spark.data.TaskStoreBuilder;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.imageio.ImageIO;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * What the data an executor keeps once per JVM costs in heap as it grows: Omniglot's decoded images
 * (the first 1 to 50 alphabets, decoded as {@code tasks.images} decodes them) and a table task
 * store's rows (a generated table of 10^4 to 10^6 rows, through a real store build and the same
 * per-JVM reads training does). Each figure is the live heap after full collections with the data
 * held, minus the live heap before it was loaded (the median over --repeats loads), set against the
 * bytes the values themselves need. One JVM, local[1]: what one executor holds.
 */
public final class DataMemory {
  /** What to load: the options of {@code bench data-memory}. */
  public record Settings(List<String> imageZips, List<Integer> alphabets, List<Integer> tableRows, int features,
      int groupRows, int buckets, long tableCacheMb, int repeats, File work, File output) {}

  private final Settings settings;

  public DataMemory(Settings settings) {
    this.settings = settings;
  }

  /** Measures the images, then the tables, and writes one row per size. */
  public void run() throws IOException {
    if (settings.features() < 1 || settings.groupRows() < 1 || settings.buckets() < 1 || settings.repeats() < 1) {
      throw new ConfigError("--features, --group-rows, --buckets and --repeats must be >= 1");
    }
    StringBuilder tsv = new StringBuilder("data\tsize\titems\tretained_bytes\tbytes_per_item\tvalue_bytes_per_item"
        + "\tnote\n");
    if (!settings.alphabets().isEmpty()) {
      measureImages(tsv);
    }
    if (!settings.tableRows().isEmpty()) {
      measureTables(tsv);
    }
    settings.output().getAbsoluteFile().getParentFile().mkdirs();
    Files.writeString(settings.output().toPath(), tsv);
    System.out.print(tsv);
  }

  private void measureImages(StringBuilder tsv) throws IOException {
    Map<String, List<String>> alphabets = alphabets();
    // a first decode leaves ~45 MB of the JVM's own (AWT, ImageIO, Hadoop classes and caches) that
    // a later one does not add again: decoding the largest size once first keeps it out of every row
    decode(alphabets, settings.alphabets().stream().mapToInt(Integer::intValue).max().orElseThrow());
    for (int count : settings.alphabets()) {
      if (count < 1 || count > alphabets.size()) {
        throw new ConfigError("--alphabets: " + count + " is not between 1 and the " + alphabets.size() + " found");
      }
      Kept<ImageClassSet> kept = retained(() -> decode(alphabets, count));
      imageRow(tsv, count + " alphabets", kept);
    }
    if (settings.alphabets().contains(alphabets.size())) {
      // the same images as training decodes them, to check the probe's decoding holds what training's does
      ImageFolderSource source = new ImageFolderSource(settings.imageZips(), ImagePreprocessing.omniglot(), true);
      imageRow(tsv, "all, as tasks.images (rotations)", retained(source::decode));
    }
  }

  /** Loaded data and what it keeps in the heap. */
  private record Kept<T>(T data, long bytes) {}

  /**
   * The heap a load keeps: --repeats times the live heap after it, minus before it, each load's
   * data dropped before the next; the median, as other threads' garbage and lazily freed buffers
   * move a single reading by a few MB.
   */
  private <T> Kept<T> retained(Supplier<T> load) {
    long[] bytes = new long[settings.repeats()];
    T data = null;
    for (int i = 0; i < bytes.length; i++) {
      data = null; // so that this baseline does not hold the previous load
      long before = liveHeap();
      data = load.get();
      bytes[i] = liveHeap() - before;
    }
    Arrays.sort(bytes);
    return new Kept<>(data, bytes[bytes.length / 2]);
  }

  private static void imageRow(StringBuilder tsv, String size, Kept<ImageClassSet> kept) {
    ImageClassSet set = kept.data();
    int images = 0;
    for (int c = 0; c < set.numCharacters(); c++) {
      images += set.imageCount(c * set.numClasses() / set.numCharacters());
    }
    row(tsv, "omniglot images", size, images, kept.bytes(), set.imageSize(),
        String.format(Locale.ROOT, "%d characters, %d classes; pixel arrays %d B; %.1f%% of pixels neither 0 nor 1",
            set.numCharacters(), set.numClasses(), set.pixelBytes(), 100 * grayShare(set)));
  }

  /** Each alphabet's zip entries (images only), alphabets in name order, the zips' in turn. */
  private Map<String, List<String>> alphabets() throws IOException {
    Map<String, List<String>> byAlphabet = new TreeMap<>();
    for (String zip : settings.imageZips()) {
      try (ZipFile file = new ZipFile(zip)) {
        file.stream().filter(e -> !e.isDirectory() && e.getName().endsWith(".png")).forEach(e -> {
          String[] parts = e.getName().split("/");
          byAlphabet.computeIfAbsent(zip + "!" + parts[1], k -> new ArrayList<>()).add(e.getName());
        });
      } catch (IOException e) {
        throw new ConfigError("--images: cannot read " + zip + ": " + e.getMessage());
      }
    }
    return byAlphabet;
  }

  /** The first {@code count} alphabets, each image preprocessed as Omniglot's tasks are (28x28, area-averaged). */
  private static ImageClassSet decode(Map<String, List<String>> alphabets, int count) {
    ImagePreprocessing preprocessing = ImagePreprocessing.omniglot();
    ImageClassSet.Builder builder = new ImageClassSet.Builder(1, preprocessing.height(), preprocessing.width());
    int taken = 0;
    for (Map.Entry<String, List<String>> alphabet : alphabets.entrySet()) {
      if (taken++ == count) {
        break;
      }
      String zip = alphabet.getKey().substring(0, alphabet.getKey().indexOf('!'));
      try (ZipFile file = new ZipFile(zip)) {
        for (String name : alphabet.getValue()) {
          ZipEntry entry = file.getEntry(name);
          try (InputStream in = file.getInputStream(entry)) {
            int slash = name.lastIndexOf('/');
            builder.add(name.substring(0, slash), name.substring(slash + 1), preprocessing.apply(ImageIO.read(in)));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + zip + ": " + e.getMessage(), e);
      }
    }
    return builder.build();
  }

  /** The share of stored pixels that are gray: what one bit per pixel could not keep. */
  private static double grayShare(ImageClassSet set) {
    float[] image = new float[set.imageSize()];
    long gray = 0;
    long all = 0;
    for (int c = 0; c < set.numClasses(); c++) {
      for (int i = 0; i < set.imageCount(c); i++) {
        set.copyImage(c, i, image, 0);
        for (float v : image) {
          if (v != 0f && v != 1f) {
            gray++;
          }
        }
        all += image.length;
      }
    }
    return (double) gray / all;
  }

  private void measureTables(StringBuilder tsv) throws IOException {
    try (JavaSparkContext sc = SparkContexts.start("local[1]", "local[1]", "metaspark-bench-data-memory", Map.of())) {
      SparkSession spark = SparkSession.builder().config(sc.getConf()).getOrCreate();
      boolean first = true;
      for (int rows : settings.tableRows()) {
        if (rows < settings.groupRows()) {
          throw new ConfigError("--rows: " + rows + " is fewer than one group of " + settings.groupRows());
        }
        StoredTable whole = store(sc, spark, rows);
        if (first) {
          // the first reads set up Hadoop's file system state for good: a budget no group fits keeps no rows
          StoredTable nothingKept = whole.withCacheBytes(1);
          for (int g = 0; g < nothingKept.index().groupCount(); g++) {
            nothingKept.rows(g);
          }
          first = false;
        }
        tableRow(tsv, rows, whole, "whole");
        if (settings.tableCacheMb() > 0) {
          tableRow(tsv, rows, whole.withCacheBytes(settings.tableCacheMb() << 20),
              "tasks.table.cache-mb = " + settings.tableCacheMb());
        }
      }
    }
  }

  /**
   * Reads every group as tasks would, then what stays. Each load reads through a handle
   * of its own (the directory spelled with another trailing slash, the same files), as the per-JVM
   * caches are keyed by the handle.
   */
  private void tableRow(StringBuilder tsv, int rows, StoredTable store, String cache) {
    int[] load = {0};
    Kept<Long> kept = retained(() -> {
      StoredTable handle = new StoredTable(store.directory() + "/".repeat(++load[0]), store.fingerprint(),
          store.cacheBytes());
      long checksum = 0;
      for (int g = 0; g < handle.index().groupCount(); g++) {
        checksum += Double.doubleToRawLongBits(handle.rows(g)[0]);
      }
      return checksum;
    });
    row(tsv, "table store rows", rows + " rows", rows, kept.bytes(), (settings.features() + 1) * Double.BYTES,
        store.index().groupCount() + " groups in " + settings.buckets() + " buckets, " + cache + " (checksum "
            + kept.data() + ")");
  }

  /** A generated table of {@code rows} rows in groups of --group-rows, and its task store, both under --work. */
  private StoredTable store(JavaSparkContext sc, SparkSession spark, int rows) throws IOException {
    File dir = new File(settings.work(), "table-" + rows + "x" + settings.features());
    String table = new File(dir, "table.parquet").getAbsolutePath();
    List<Column> columns = new ArrayList<>();
    columns.add(functions.format_string("g%09d", functions.col("id").divide(settings.groupRows()).cast("long"))
        .as("key"));
    List<String> features = new ArrayList<>();
    for (int f = 0; f < settings.features(); f++) {
      features.add("x" + f);
      columns.add(functions.rand(f).as("x" + f));
    }
    columns.add(functions.randn(-1).as("y"));
    if (!new File(table).exists()) {
      spark.range(rows).select(columns.toArray(Column[]::new)).write().parquet(table);
    }
    TableSource source = new TableSource(table, "parquet", "key", features, "y", false);
    return TaskStoreBuilder.ensure(sc, source, new File(dir, "store").getAbsolutePath(), settings.buckets()).store();
  }

  private static void row(StringBuilder tsv, String data, String size, long items, long retained, long valueBytes,
      String note) {
    tsv.append(data).append('\t').append(size).append('\t').append(items).append('\t').append(retained).append('\t')
        .append(String.format(Locale.ROOT, "%.1f", (double) retained / items)).append('\t').append(valueBytes)
        .append('\t').append(note).append('\n');
  }

  /**
   * Heap in use after full collections (the parallel collector's System.gc() is one): what is
   * really kept. Zip streams and image readers are freed by cleaner threads after a collection
   * finds them, so each collection is given a moment for those to run before the next.
   */
  private static long liveHeap() {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while measuring the heap", e);
      }
    }
    return used;
  }
}
