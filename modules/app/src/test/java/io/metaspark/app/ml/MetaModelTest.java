package io.metaspark.app.ml;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.app.config.ConfigError;
import io.metaspark.app.testing.LocalSpark;
import io.metaspark.app.testing.TableFixture;
import io.metaspark.spark.personalize.BadGroupException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkException;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** MetaLearner and MetaModel on real Spark (local[2]), on the project's table fixture. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetaModelTest {
  @TempDir
  static Path dir;

  private SparkSession spark;
  private MetaLearner learner;
  private MetaModel model;

  @BeforeAll
  void fit() {
    spark = LocalSpark.start();
    learner = new MetaLearner().setGroupCol("site").setFeaturesCols("x1", "x2", "x3").setLabelCol("y")
        .setHiddenLayers(32, 32).setInnerLr(0.05).setOuterLr(0.003).setIterations(150).setMetaBatch(10)
        .setSupport(5).setQuery(10).setRunDir(dir.resolve("runs").toString()).setRunName("sites")
        .setConfig("model.data-type=double", "model.init=fan-in-uniform", "tasks.table.store-buckets=4",
            "train.log-every=50", "evaluate.tasks=20");
    model = learner.fit(spark.read().parquet(TableFixture.REGRESSION));
  }

  @AfterAll
  void stop() {
    spark.stop();
  }

  private Map<String, Row> byRow(Dataset<Row> rows) {
    Map<String, Row> out = new HashMap<>();
    for (Row row : rows.collectAsList()) {
      out.put(row.getString(0) + "/" + row.getDouble(1) + "/" + row.getDouble(2) + "/" + row.getDouble(3), row);
    }
    return out;
  }

  @Test
  void everyRowIsKeptAndEachGroupAdaptedOnItsLabelledRowsWhateverThePartitioning() {
    Dataset<Row> table = TableFixture.toPersonalize(spark);
    Map<String, Row> once = byRow(model.transform(table));
    Map<String, Row> again = byRow(model.transform(table.repartition(7)));
    assertEquals(table.count(), once.size(), "every row, labelled or not, comes back");
    assertEquals(once.keySet(), again.keySet());
    once.forEach((key, row) -> assertEquals(row.get(row.fieldIndex("prediction")),
        again.get(key).get(row.fieldIndex("prediction")), "the same bits for " + key));

    // labelledRows is the group's count of labelled rows; groups below K = 5 are marked, not adapted
    Map<String, Long> labelled = new HashMap<>();
    for (Row r : table.groupBy("site").agg(count(col("y"))).collectAsList()) {
      labelled.put(r.getString(0), r.getLong(1));
    }
    assertEquals(5, model.getOrDefault(model.minLabelledRows()), "the default is the K it was trained with");
    int marked = 0;
    for (Row row : once.values()) {
      long groupLabelled = labelled.get(row.getString(0));
      assertEquals(groupLabelled, row.getInt(row.fieldIndex("labelledRows")));
      assertEquals(groupLabelled < 5, row.isNullAt(row.fieldIndex("prediction")), row.toString());
      marked += groupLabelled < 5 ? 1 : 0;
    }
    assertTrue(marked > 0, "the fixture's small sites have fewer than 5 labelled rows");
  }

  @Test
  void adaptingToAGroupPredictsItsOtherRowsBetterThanTheSharedStart() {
    Dataset<Row> table = TableFixture.toPersonalize(spark).withColumn("hidden", col("y").isNull());
    Object[] small = table.groupBy("site").agg(count(col("y")).as("labelled")).where(col("labelled").lt(5))
        .select("site").as(Encoders.STRING()).collectAsList().toArray();
    Column scored = col("hidden").and(not(col("site").isin(small)));
    double adapted = squaredError(model.transform(table).where(scored));
    // the same rows from the meta-learned start: no labels, so adapted on nothing
    double shared = squaredError(model.copy(ParamMap.empty()).setMinLabelledRows(0)
        .transform(table.withColumn("y", lit(null).cast("double"))).where(scored));
    assertTrue(adapted < 0.8 * shared, "MSE on the rows to predict: adapted " + adapted + ", shared start " + shared);
  }

  private static double squaredError(Dataset<Row> rows) {
    Column error = col("prediction").minus(col("truth"));
    return rows.agg(avg(error.multiply(error))).first().getDouble(0);
  }

  @Test
  void aSavedModelLoadsWithItsParamsAndPredictsTheSame() throws IOException {
    String path = "file://" + dir.resolve("saved model");
    model.copy(ParamMap.empty()).setPredictionCol("yhat").setMinLabelledRows(3).write()
        .save(path);
    MetaModel loaded = MetaModel.load(path);
    assertEquals("yhat", loaded.getOrDefault(loaded.predictionCol()));
    assertEquals(3, loaded.getOrDefault(loaded.minLabelledRows()));
    assertArrayEquals(model.networkParameters(), loaded.networkParameters());
    assertTrue(dir.resolve("saved model/model.zip").toFile().isFile(), "the CLI's model files are there too");

    Dataset<Row> table = TableFixture.toPersonalize(spark);
    Map<String, Row> original = byRow(model.copy(ParamMap.empty()).setMinLabelledRows(3)
        .transform(table));
    byRow(loaded.transform(table)).forEach((key, row) -> assertEquals(original.get(key).getAs("prediction"),
        row.get(row.fieldIndex("yhat")), key));

    // a run's final/ directory loads too, its columns from the run's config
    MetaModel exported = MetaModel.load(dir.resolve("runs/sites/final").toString());
    assertEquals("site", exported.getOrDefault(exported.groupCol()));
    assertArrayEquals(new String[] {"x1", "x2", "x3"}, (String[]) exported.getOrDefault(exported.featuresCols()));
    assertEquals("y", exported.getOrDefault(exported.labelCol()));

    // and the learner's params are saved and loaded as any Spark ML estimator's
    learner.write().overwrite().save(dir.resolve("learner").toString());
    MetaLearner again = MetaLearner.load(dir.resolve("learner").toString());
    assertEquals(learner.explainParams(), again.explainParams());
  }

  @Test
  void explainParamsListsEverySettingWithItsConfigKey() {
    String learnerParams = learner.explainParams();
    for (String param : List.of("groupCol", "featuresCols", "labelCol", "predictionCol", "probabilityCol",
        "labelledRowsCol", "classification", "hiddenLayers", "config", "algorithm", "innerSteps", "innerLr",
        "outerOptimizer", "outerLr", "iterations", "metaBatch", "support", "query", "seed", "partitions",
        "checkpointEvery", "runDir", "runName")) {
      assertTrue(learnerParams.contains(param + ": "), param + " in\n" + learnerParams);
    }
    assertTrue(learnerParams.contains("featuresCols: the numeric columns the network takes as inputs, in this order"
        + " (at least one, none twice) (current: [\"x1\",\"x2\",\"x3\"])"), learnerParams);
    assertTrue(learnerParams.contains("innerLr: the step size of adaptation (config key algorithm.inner-lr)"
        + " (default: 0.01, current: 0.05)"), learnerParams);
    String modelParams = model.explainParams();
    for (String param : List.of("groupCol", "featuresCols", "labelCol", "predictionCol", "probabilityCol",
        "labelledRowsCol", "minLabelledRows")) {
      assertTrue(modelParams.contains(param + ": "), param + " in\n" + modelParams);
    }
  }

  @Test
  void badValuesAreNamedWithTheirColumnAndGroup() {
    Dataset<Row> table = TableFixture.toPersonalize(spark);
    Dataset<Row> nan = table.withColumn("x2", when(col("site").equalTo("site-07").and(col("x1").gt(0)),
        lit(Double.NaN)).otherwise(col("x2")));
    SparkException failed = assertThrows(SparkException.class, () -> model.transform(nan).count());
    BadGroupException bad = BadGroupException.in(failed);
    assertNotNull(bad, failed.toString());
    assertEquals("feature column 'x2' has the non-finite value NaN in group 'site-07'", bad.getMessage());

    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> model.transform(table.drop("x3")));
    assertEquals("feature column 'x3' is not in the table; its columns are: site, x1, x2, y, truth", missing.getMessage());

    BadGroupException text = assertThrows(BadGroupException.class,
        () -> model.transform(table.withColumn("x1", col("x1").cast(DataTypes.StringType))));
    assertEquals("feature column 'x1' is not numeric (type string)", text.getMessage());

    IllegalArgumentException taken = assertThrows(IllegalArgumentException.class,
        () -> model.transform(table.withColumn("prediction", lit(1.0))));
    assertTrue(taken.getMessage().contains("output column 'prediction' is already in the table"), taken.getMessage());
  }

  @Test
  void fitRefusesBeforeTrainingWhatCannotWork() {
    Dataset<Row> sites = spark.read().parquet(TableFixture.REGRESSION);
    IllegalArgumentException label = assertThrows(IllegalArgumentException.class,
        () -> learner.copy(ParamMap.empty()).setLabelCol("target").fit(sites));
    assertEquals("label column 'target' is not in the table; its columns are: site, x1, x2, x3, y",
        label.getMessage());

    IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
        () -> learner.copy(ParamMap.empty()).setConfig("algorithm.inner-lr=0.1").fit(sites));
    assertTrue(twice.getMessage().contains("config entry 'algorithm.inner-lr=0.1' sets algorithm.inner-lr, which a"
        + " param or the columns set"), twice.getMessage());

    ConfigError unknown = assertThrows(ConfigError.class,
        () -> learner.copy(ParamMap.empty()).setRunName("typo")
            .setConfig("validate.evry=10").fit(sites));
    assertTrue(unknown.getMessage().contains("validate.evry"), unknown.getMessage());

    assertThrows(IllegalArgumentException.class, () -> learner.setInnerLr(-1), "a param's check runs on set");
    assertThrows(IllegalArgumentException.class, () -> learner.setAlgorithm("mammal"));

    // the run directory of a finished fit refuses other rows, as train refuses another table
    ConfigError otherRows = assertThrows(ConfigError.class, () -> learner.fit(sites.where("site <> 'site-01'")));
    assertTrue(otherRows.getMessage().contains("was built from other table settings"), otherRows.getMessage());
  }

  @Test
  void aClassifierPredictsLabelValuesWithProbabilities() {
    MetaModel classifier = new MetaLearner().setGroupCol("device").setFeaturesCols("f1", "f2").setLabelCol("label")
        .setClassification(true).setHiddenLayers(16).setAlgorithm("fomaml").setInnerLr(0.1).setIterations(30)
        .setSupport(5).setQuery(10).setRunDir(dir.resolve("runs").toString()).setRunName("devices")
        .setConfig("validate.every=0", "evaluate.tasks=20", "tasks.table.store-buckets=4")
        .fit(spark.read().parquet(TableFixture.CLASSIFICATION));
    assertArrayEquals(new double[] {0, 1, 2}, classifier.classValues());
    List<Row> rows = classifier.transform(spark.read().parquet(TableFixture.CLASSIFICATION)).collectAsList();
    for (Row row : rows) {
      if (row.isNullAt(row.fieldIndex("prediction"))) {
        assertNull(row.get(row.fieldIndex("probability")));
        continue;
      }
      double label = row.getDouble(row.fieldIndex("prediction"));
      assertTrue(label == 0 || label == 1 || label == 2, row.toString());
      List<Double> probabilities = row.getList(row.fieldIndex("probability"));
      assertEquals(3, probabilities.size());
      assertEquals(1, probabilities.stream().mapToDouble(Double::doubleValue).sum(), 1e-5);
    }
  }
}
