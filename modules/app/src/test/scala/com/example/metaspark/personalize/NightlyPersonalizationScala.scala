package com.example.metaspark.personalize

import io.metaspark.app.ml.{MetaLearner, MetaModel}
import org.apache.spark.sql.{DataFrame, SparkSession}
import org.apache.spark.sql.functions.col

/** docs/SPARK-API.md's Scala example: NightlyPersonalization.java's job, from Scala. */
object NightlyPersonalizationScala {
  def learner(runDir: String): MetaLearner =
    new MetaLearner()
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
      .setConfig("model.data-type=double", "model.init=fan-in-uniform")

  def personalize(model: MetaModel, sites: DataFrame): DataFrame =
    model.transform(sites)
      .where(col("y").isNull)
      .select("site", "x1", "x2", "x3", "prediction")

  def main(args: Array[String]): Unit = {
    val spark = SparkSession.builder().appName("nightly personalization").getOrCreate()
    val Array(history, runDir, today, predictions) = args

    val model = learner(runDir).fit(spark.read.parquet(history))
    model.write.overwrite().save(s"$runDir/model")

    val saved = MetaModel.load(s"$runDir/model")
    personalize(saved, spark.read.parquet(today)).write.mode("overwrite").parquet(predictions)
  }
}
