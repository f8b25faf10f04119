package io.metaspark.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
    List<String> args = new ArrayList<>(List.of("train", "--config", "../../conf/sinusoid.conf", "--master", "local[2]",
        "--set", "run.dir=" + runDir, "--set", "run.name=" + name, "--set", "train.iterations=" + iterations,
        "--set", "train.log-every=4", "--set", "checkpoint.every=4", "--set", "evaluate.after-train=false",
        "--set", "train.meta-batch=6"));
    return MetasparkCli.run(args.toArray(String[]::new));
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
