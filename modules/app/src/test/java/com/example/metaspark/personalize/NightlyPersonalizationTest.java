package com.example.metaspark.personalize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.app.ml.MetaModel;
import io.metaspark.app.testing.LocalSpark;
import io.metaspark.app.testing.TableFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The docs' example runs as a user runs it, also as a stage of a Spark ML Pipeline; the page quotes it. */
class NightlyPersonalizationTest {
  private static final Path SOURCES = Path.of("src/test/java/com/example/metaspark/personalize");
  private static final Path PAGE = Path.of("../../docs/SPARK-API.md");

  @TempDir
  Path dir;

  @Test
  void theExampleTrainsSavesLoadsAndPersonalizesInAPipeline() throws IOException {
    SparkSession spark = LocalSpark.start();
    try {
      Dataset<Row> history = spark.read().parquet(TableFixture.REGRESSION);
      Dataset<Row> today = TableFixture.toPersonalize(spark);
      PipelineModel pipeline = new Pipeline().setStages(new PipelineStage[] {
          NightlyPersonalization.learner(dir.toString()).setIterations(40).setConfig("model.data-type=double",
              "validate.every=0", "evaluate.tasks=20", "tasks.table.store-buckets=4")}).fit(history);
      MetaModel model = (MetaModel) pipeline.stages()[0];
      model.write().overwrite().save(dir.resolve("model").toString());
      List<Row> predictions = NightlyPersonalization.personalize(MetaModel.load(dir.resolve("model").toString()),
          today).collectAsList();
      assertEquals(today.where("y is null").count(), predictions.size());
      assertTrue(predictions.stream().filter(r -> !r.isNullAt(4)).count() > 0.9 * predictions.size());
    } finally {
      spark.stop();
    }
  }

  /** Every Java and Scala block of docs/SPARK-API.md stands, line for line, in this package's sources. */
  @Test
  void thePageQuotesTheExampleSources() throws IOException {
    List<String> sources = new ArrayList<>();
    for (Path folder : List.of(SOURCES, Path.of("src/test/scala/com/example/metaspark/personalize"))) {
      if (Files.isDirectory(folder)) {
        try (var files = Files.list(folder)) {
          for (Path file : files.toList()) {
            sources.add(Files.readString(file));
          }
        }
      }
    }
    Matcher block = Pattern.compile("```(java|scala)\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(PAGE));
    int blocks = 0;
    while (block.find()) {
      String code = block.group(2);
      assertTrue(sources.stream().anyMatch(s -> s.contains(code)), "not in the example's sources:\n" + code);
      blocks++;
    }
    assertTrue(blocks >= 2, "the page shows the learner and the personalization");
  }
}
