package io.metaspark.app.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.app.adapt.ModelExport;
import io.metaspark.app.cli.MetasparkCli;
import io.metaspark.app.run.RunDirectory;
import io.metaspark.app.testing.LocalSpark;
import io.metaspark.app.testing.TableFixture;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The promise of the Spark API: MetaLearner.fit is train on a table, and MetaModel.transform is
 * adapt --table, so the same settings give the same model and the same predictions, bit for bit,
 * whichever way a user goes; and each side reads the other's saved model.
 */
class ApiCliIdentityTest {
  private static final String[] ORDER = {"site", "x1", "x2", "x3"};

  @TempDir
  Path dir;

  @Test
  void fitTrainsAsTrainAndTransformPredictsAsAdaptTableBitForBit() throws IOException {
    assertEquals(0, MetasparkCli.run("train", "--config", "../../conf/table-example.conf", "--master", "local[2]",
        "--set", "run.dir=" + dir.resolve("cli"), "--set", "tasks.table.location=" + TableFixture.REGRESSION,
        "--set", "train.iterations=60", "--set", "train.log-every=30", "--set", "validate.every=0",
        "--set", "evaluate.tasks=20"));
    Path cliModel = dir.resolve("cli/table-example/final");
    Path table = dir.resolve("personalize.parquet");

    double[] apiParameters;
    List<Row> apiPredictions;
    SparkSession spark = LocalSpark.start();
    try {
      TableFixture.toPersonalize(spark).write().parquet(table.toString());
      // conf/table-example.conf's settings, as params and config entries
      MetaModel model = new MetaLearner().setGroupCol("site").setFeaturesCols("x1", "x2", "x3").setLabelCol("y")
          .setHiddenLayers(32, 32).setAlgorithm("maml").setInnerSteps(1).setInnerLr(0.05).setOuterOptimizer("adam")
          .setOuterLr(0.003).setIterations(60).setMetaBatch(10).setSupport(5).setQuery(10).setSeed(42)
          .setPartitions(2).setRunDir(dir.resolve("api").toString()).setRunName("fit")
          .setConfig("model.activation=relu", "model.data-type=double", "model.init=fan-in-uniform",
              "tasks.table.store-buckets=4", "train.log-every=30", "validate.every=0", "evaluate.tasks=20")
          .fit(spark.read().parquet(TableFixture.REGRESSION));
      apiParameters = model.networkParameters();
      model.write().save(dir.resolve("api-model").toString());
      apiPredictions = model.transform(spark.read().parquet(table.toString())).orderBy(ORDER[0], ORDER[1], ORDER[2],
          ORDER[3]).collectAsList();
    } finally {
      spark.stop();
    }

    double[] cliParameters = ModelExport.params(ModelExport.read(RunDirectory.open(cliModel.toString(),
        new Configuration())));
    assertArrayEquals(cliParameters, apiParameters, "fit's parameters are train's, bit for bit");

    // the CLI personalizes with its own model, and with the model the API saved
    assertEquals(0, MetasparkCli.run("adapt", "--model", cliModel.toString(), "--table", table.toString(),
        "--output", dir.resolve("cli-out").toString(), "--master", "local[2]"));
    assertEquals(0, MetasparkCli.run("adapt", "--model", dir.resolve("api-model").toString(), "--table",
        table.toString(), "--output", dir.resolve("api-model-out").toString(), "--master", "local[2]"));

    spark = LocalSpark.start();
    try {
      for (String out : List.of("cli-out", "api-model-out")) {
        List<Row> cli = spark.read().parquet(dir.resolve(out).resolve("predictions.parquet").toString())
            .orderBy(ORDER[0], ORDER[1], ORDER[2], ORDER[3]).collectAsList();
        assertEquals(apiPredictions.size(), cli.size());
        int predicted = 0;
        for (int r = 0; r < cli.size(); r++) {
          Row api = apiPredictions.get(r);
          Row row = cli.get(r);
          assertEquals(api.getString(0), row.getString(0));
          assertEquals(api.get(api.fieldIndex("prediction")), row.get(row.fieldIndex("prediction")),
              out + ", row " + r + " of site " + api.getString(0));
          assertEquals(api.getInt(api.fieldIndex("labelledRows")), row.getInt(row.fieldIndex("labelledRows")));
          predicted += row.isNullAt(row.fieldIndex("prediction")) ? 0 : 1;
        }
        assertTrue(predicted > 0.9 * cli.size(), predicted + " of " + cli.size() + " rows predicted");
      }
    } finally {
      spark.stop();
    }
  }
}
