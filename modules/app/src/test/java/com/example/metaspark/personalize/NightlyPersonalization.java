package com.example.metaspark.personalize;

import static org.apache.spark.sql.functions.col;

import io.metaspark.app.ml.MetaLearner;
import io.metaspark.app.ml.MetaModel;
import java.io.IOException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * docs/SPARK-API.md's Java example, as a user writes it (only metaspark's public API and Spark's):
 * meta-train one model on every site's history, then adapt it to each site on that site's labelled
 * rows and predict its unlabelled ones.
 */
public final class NightlyPersonalization {
  private NightlyPersonalization() {}

  /** What to learn and how: the sites' columns, the network, MAML's settings. */
  static MetaLearner learner(String runDir) {
    return new MetaLearner()
        .setGroupCol("site")
        .setFeaturesCols("x1", "x2", "x3")
        .setLabelCol("y")
        .setHiddenLayers(32, 32)
        .setInnerLr(0.05)
        .setOuterLr(0.003)
        .setIterations(600)
        .setSupport(5)
        .setQuery(10)
        .setRunDir(runDir)
        .setConfig("model.data-type=double", "model.init=fan-in-uniform");
  }

  /** Each site adapted on its rows with a label; predictions for its rows without one. */
  static Dataset<Row> personalize(MetaModel model, Dataset<Row> sites) {
    return model.transform(sites)
        .where(col("y").isNull())
        .select("site", "x1", "x2", "x3", "prediction");
  }

  public static void main(String[] args) throws IOException {
    SparkSession spark = SparkSession.builder().appName("nightly personalization").getOrCreate();
    String history = args[0];
    String runDir = args[1];
    String today = args[2];
    String predictions = args[3];

    MetaModel model = learner(runDir).fit(spark.read().parquet(history));
    model.write().overwrite().save(runDir + "/model");

    MetaModel saved = MetaModel.load(runDir + "/model");
    personalize(saved, spark.read().parquet(today)).write().mode("overwrite").parquet(predictions);
  }
}
