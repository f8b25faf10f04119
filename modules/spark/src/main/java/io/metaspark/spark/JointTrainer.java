package io.metaspark.spark;

import io.metaspark.core.baseline.JointNetwork;
import io.metaspark.core.baseline.PooledData;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.task.Examples;
import io.metaspark.core.task.TaskDescriptor;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The joint-training baseline's training: one network on meta-training tasks' examples pooled, with
 * dl4j-spark's parameter averaging. The driver ships task descriptors only; executors build each
 * task's examples (decoding images there) as one {@link DataSet}, and nothing is collected.
 */
public final class JointTrainer {
  /**
   * @param epochs passes over the pooled examples
   * @param batchSize examples per minibatch on each worker
   * @param learningRate Adam's step size
   * @param averagingFrequency minibatches each worker fits between parameter averagings
   */
  public record Settings(int epochs, int batchSize, double learningRate, int averagingFrequency) {
    public Settings {
      if (epochs < 1 || batchSize < 1 || averagingFrequency < 1 || !(learningRate > 0)) {
        throw new IllegalArgumentException("joint training needs epochs, batch size and averaging frequency >= 1 "
            + "and a positive learning rate, got " + this);
      }
    }
  }

  /** The trained network and its mean loss on the pooled examples before and after training. */
  public record Result(MultiLayerNetwork network, double lossBefore, double lossAfter, long examples) {}

  private final JavaSparkContext sc;
  private final int partitions;

  public JointTrainer(JavaSparkContext sc, int partitions) {
    this.sc = sc;
    this.partitions = partitions;
  }

  /** Trains on the pooled examples of {@code tasks}, starting from {@code init} (see {@link JointNetwork}). */
  public Result train(ModelSpec model, double[] init, PooledData data, List<TaskDescriptor> tasks, Settings settings) {
    // the label width may need the data (all classes of an image split): read it where data is read
    int labelWidth = sc.parallelize(List.of(0), 1).map(x -> data.labelWidth()).first();
    MultiLayerNetwork net = JointNetwork.forPooledData(model, init, labelWidth, settings.learningRate());
    DataType dataType = net.params().dataType();
    JavaRDD<DataSet> pooled = sc.parallelize(tasks, Math.min(partitions, tasks.size())).map(task -> {
      Examples examples = data.examples(task, dataType);
      return new DataSet(examples.features(), examples.labels());
    });
    int perTask = pooled.first().numExamples();
    ParameterAveragingTrainingMaster master = new ParameterAveragingTrainingMaster.Builder(partitions, perTask)
        .batchSizePerWorker(settings.batchSize())
        .averagingFrequency(settings.averagingFrequency())
        // no background prefetch thread, no export to temporary files, no random repartitioning:
        // each worker fits its own partition's tasks in order
        .workerPrefetchNumBatches(0)
        .rddTrainingApproach(RDDTrainingApproach.Direct)
        .repartionData(Repartition.Never)
        .rngSeed(0)
        .collectTrainingStats(false)
        .build();
    SparkDl4jMultiLayer spark = new SparkDl4jMultiLayer(sc, net, master);
    double before = meanLoss(net, master, pooled);
    for (int epoch = 0; epoch < settings.epochs(); epoch++) {
      spark.fit(pooled);
    }
    MultiLayerNetwork trained = spark.getNetwork();
    return new Result(trained, before, meanLoss(trained, master, pooled), (long) perTask * tasks.size());
  }

  /**
   * DL4J's mean loss over the pooled examples, computed on a copy: calculateScore broadcasts the
   * network's own parameter array, and destroying that broadcast closes it (Spark closes
   * AutoCloseable values it drops from the driver's block store, and an INDArray is one).
   */
  private double meanLoss(MultiLayerNetwork net, ParameterAveragingTrainingMaster master, JavaRDD<DataSet> pooled) {
    return new SparkDl4jMultiLayer(sc, net.clone(), master).calculateScore(pooled, true);
  }
}
