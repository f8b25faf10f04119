package io.metaspark.spark.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.metaspark.core.task.image.ImagePreprocessing;
import io.metaspark.spark.SparkSetup;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

class SparkHadoopConfTest {
  private static final String BACKGROUND =
      "alias://" + ImageFolderSourceTest.GLYPHS.resolve("images_background").toUri().getPath();

  @Test
  void withoutSparksSettingsTheSchemeIsUnknown() {
    assertThrows(IOException.class, () -> new Path(BACKGROUND).getFileSystem(new Configuration()));
  }

  @Test
  void theImageReaderInATaskSeesSparkHadoopSettings() {
    int expected = new ImageFolderSource(
        List.of(ImageFolderSourceTest.GLYPHS.resolve("images_background").toString()), ImagePreprocessing.omniglot(), false)
        .decode().numClasses();
    SparkConf conf = SparkSetup.withDefaults(new SparkConf()
        .setMaster("local[2]")
        .setAppName("metaspark-test")
        .set("spark.ui.enabled", "false")
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.driver.bindAddress", "127.0.0.1")
        .set("spark.hadoop.fs.alias.impl", AliasFileSystem.class.getName())
        // a cached instance would outlive this test's settings
        .set("spark.hadoop.fs.alias.impl.disable.cache", "true"));
    ImageFolderSource source = new ImageFolderSource(List.of(BACKGROUND), ImagePreprocessing.omniglot(), false);
    try (JavaSparkContext sc = new JavaSparkContext(conf)) {
      List<Integer> classes = sc.parallelize(List.of(1, 2), 2).map(i -> source.decode().numClasses()).collect();
      assertEquals(List.of(expected, expected), classes);
    }
  }
}
