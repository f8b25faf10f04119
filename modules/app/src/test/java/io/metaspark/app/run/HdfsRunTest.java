package io.metaspark.app.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.app.cli.MetasparkCli;
import io.metaspark.app.testing.Console;
import io.metaspark.app.testing.SinusoidTraining;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs, checkpoints and resume on a real HDFS (NameNode and DataNode in this JVM, on 127.0.0.1). */
class HdfsRunTest {
  @TempDir
  static Path base;

  private static MiniDFSCluster hdfs;
  private static String uri;

  @BeforeAll
  static void startHdfs() throws IOException {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.resolve("hdfs").toString());
    for (String key : List.of("dfs.namenode.http-address", "dfs.datanode.address", "dfs.datanode.http.address",
        "dfs.datanode.ipc.address", "dfs.namenode.secondary.http-address")) {
      conf.set(key, "127.0.0.1:0");
    }
    hdfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    hdfs.waitActive();
    uri = "hdfs://127.0.0.1:" + hdfs.getNameNodePort();
  }

  @AfterAll
  static void stopHdfs() {
    if (hdfs != null) {
      hdfs.shutdown();
    }
  }

  private static int train(String runDir, String name, int iterations) {
    return MetasparkCli.run(SinusoidTraining.args(runDir, name, iterations, List.of("train.log-every=4",
        "checkpoint.every=4", "evaluate.after-train=false", "train.meta-batch=6")));
  }

  /**
   * The glyph fixture, zipped as Omniglot is published and read from HDFS on the executors, gives
   * exactly the run its folders give from local disk. (Zips, because HDFS takes a good part of a
   * second per small file written.)
   */
  @Test
  void imageTasksReadFromHdfsTrainAsFromLocalDisk() throws IOException {
    Path glyphs = Path.of("../../src-test-data/glyphs").toAbsolutePath().normalize();
    FileSystem fs = FileSystem.get(java.net.URI.create(uri), new Configuration());
    for (String set : List.of("images_background", "images_evaluation")) {
      Path zip = base.resolve(set + ".zip");
      zipFolder(glyphs, set, zip);
      fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(zip.toUri()),
          new org.apache.hadoop.fs.Path(uri + "/data/" + set + ".zip"));
    }
    assertEquals(0, trainImages(uri + "/data/", ".zip", "images-hdfs"));
    assertEquals(0, trainImages(glyphs + "/", "", "images-local"));
    assertArrayEquals(finalParams("images-local"), finalParams("images-hdfs"), 0.0);

    // a copy cut exactly at an entry's header streams as a smaller, valid-looking zip; it has no
    // central directory, so the data check refuses it by name before any iteration (exit code 3)
    byte[] whole = Files.readAllBytes(base.resolve("images_background.zip"));
    int cut = whole.length / 2;
    while (!(whole[cut] == 'P' && whole[cut + 1] == 'K' && whole[cut + 2] == 3 && whole[cut + 3] == 4)) {
      cut++;
    }
    try (var out = fs.create(new org.apache.hadoop.fs.Path(uri + "/cut/images_background.zip"))) {
      out.write(whole, 0, cut);
    }
    fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(base.resolve("images_evaluation.zip").toUri()),
        new org.apache.hadoop.fs.Path(uri + "/cut/images_evaluation.zip"));
    String err = Console.err(() -> assertEquals(3, trainImages(uri + "/cut/", ".zip", "images-cut")));
    assertTrue(err.contains(uri + "/cut/images_background.zip is truncated or corrupt"), err);
    assertTrue(err.lines().count() == 1, "one line, no stack trace: " + err);
    assertTrue(!Files.exists(base.resolve("image-runs/images-cut/checkpoints"))
        || Files.list(base.resolve("image-runs/images-cut/checkpoints")).findAny().isEmpty(), "no iteration ran");
  }

  /** {@code root/set} as a zip whose entries start with {@code set/}, as Omniglot's. */
  private static void zipFolder(Path root, String set, Path zip) throws IOException {
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip));
        Stream<Path> files = Files.walk(root.resolve(set))) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        out.putNextEntry(new ZipEntry(root.relativize(file).toString().replace('\\', '/')));
        Files.copy(file, out);
        out.closeEntry();
      }
    }
  }

  private static int trainImages(String glyphs, String suffix, String name) {
    return MetasparkCli.run("train", "--config", "../../conf/omniglot-small.conf", "--master", "local[2]",
        "--set", "run.dir=" + base.resolve("image-runs"), "--set", "run.name=" + name,
        "--set", "tasks.images.locations=[\"" + glyphs + "images_background" + suffix + "\",\""
            + glyphs + "images_evaluation" + suffix + "\"]",
        "--set", "tasks.images.split=alphabets", "--set", "tasks.images.validation-characters=1",
        "--set", "tasks.images.ways=3", "--set", "tasks.query=2", "--set", "model.conv4.filters=4",
        "--set", "algorithm.name=fomaml", "--set", "train.iterations=3", "--set", "train.meta-batch=4",
        "--set", "validate.every=0",
        "--set", "evaluate.after-train=false");
  }

  private static double[] finalParams(String name) throws IOException {
    return ModelSerializer.restoreMultiLayerNetwork(base.resolve("image-runs/" + name + "/final/model.zip").toFile())
        .params().toDoubleVector();
  }

  /**
   * On HDFS the lock is created by renaming a whole temporary file into place (refused when it
   * exists) and its heartbeat replaced by rename with OVERWRITE: concurrent starts let one job in,
   * and a reader polling while it beats never finds it empty.
   */
  @Test
  void theRunLockOnHdfsIsExclusiveAndNeverSeenEmpty() throws Exception {
    FileSystem fs = FileSystem.get(java.net.URI.create(uri), new Configuration());
    org.apache.hadoop.fs.Path runDir = new org.apache.hadoop.fs.Path(uri + "/locks/run");
    fs.mkdirs(runDir);
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
    java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(8);
    List<java.util.concurrent.Future<RunLock>> starts = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      starts.add(pool.submit(() -> {
        together.await();
        try {
          // beats every 2 s: a write to this MiniDFSCluster takes up to a few hundred milliseconds
          return RunLock.acquire(fs, runDir, java.time.Duration.ofSeconds(8), w -> { });
        } catch (RunLock.RunLockedException e) {
          return null;
        }
      }));
    }
    List<RunLock> holders = new ArrayList<>();
    for (var start : starts) {
      if (start.get() != null) {
        holders.add(start.get());
      }
    }
    pool.shutdown();
    assertEquals(1, holders.size());
    org.apache.hadoop.fs.Path lock = new org.apache.hadoop.fs.Path(runDir, RunLock.FILE);
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    java.util.Set<String> beats = new java.util.HashSet<>();
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (System.nanoTime() < deadline) {
      try (InputStream in = fs.open(lock)) {
        beats.add(json.readTree(in.readAllBytes()).get("heartbeat").asText()); // empty or torn: throws
      }
    }
    assertTrue(beats.size() > 1, "it beat meanwhile: " + beats.size());
    holders.get(0).close();
    assertEquals(0, fs.listStatus(runDir).length, "no lock or temporary file left");
  }

  @Test
  void aRunOnHdfsCheckpointsResumesAndMatchesTheSameRunOnLocalDisk() throws IOException {
    assertEquals(0, train(base.resolve("local").toString(), "run", 12));
    assertEquals(0, train(uri + "/runs", "run", 8));
    FileSystem fs = FileSystem.get(java.net.URI.create(uri), new Configuration());
    assertTrue(fs.exists(new org.apache.hadoop.fs.Path(uri + "/runs/run/checkpoints/ckpt-000000000008.msck")));
    String out = Console.out(() -> assertEquals(0, train(uri + "/runs", "run", 12)));
    assertTrue(out.contains("from its checkpoint at iteration 8"), out);

    double[] local = ModelSerializer.restoreMultiLayerNetwork(base.resolve("local/run/final/model.zip").toFile())
        .params().toDoubleVector();
    double[] onHdfs;
    try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(uri + "/runs/run/final/model.zip"))) {
      onHdfs = ModelSerializer.restoreMultiLayerNetwork(in, false).params().toDoubleVector();
    }
    assertArrayEquals(local, onHdfs, 0.0);
    assertTrue(Arrays.stream(onHdfs).allMatch(Double::isFinite));
    // the lock is released and no temporary file is left behind
    assertTrue(!fs.exists(new org.apache.hadoop.fs.Path(uri + "/runs/run/lock")));
    assertEquals(0, Arrays.stream(fs.listStatus(new org.apache.hadoop.fs.Path(uri + "/runs/run/checkpoints")))
        .filter(s -> s.getPath().getName().endsWith(".tmp")).count());
  }
}
