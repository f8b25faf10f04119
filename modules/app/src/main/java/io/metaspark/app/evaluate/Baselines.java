package io.metaspark.app.evaluate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.metaspark.app.adapt.ModelExport;
import io.metaspark.app.config.EvaluateSettings;
import io.metaspark.app.config.Job;
import io.metaspark.app.config.Settings;
import io.metaspark.app.run.Clock;
import io.metaspark.app.run.RunDirectory;
import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.baseline.JointNetwork;
import io.metaspark.core.baseline.PooledData;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.task.TaskDescriptor;
import io.metaspark.core.task.TaskSampler;
import io.metaspark.core.task.image.ClassSplit;
import io.metaspark.spark.JointTrainer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * The baselines of evaluate.baselines, each adapted and measured exactly as the meta-learned model:
 * {@code scratch} starts from the model's initial parameters (where meta-training started), {@code
 * joint} from a network trained on pooled meta-training data ({@link JointNetwork}), which is kept
 * in the run directory's {@code joint/} and reused while the config it depends on is unchanged.
 */
final class Baselines {
  private static final String JOINT_DIR = "joint";
  private static final String JOINT_FACTS = "joint.json";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final JavaSparkContext sc;
  private final Job job;
  private final PrintStream out;

  Baselines(JavaSparkContext sc, Job job, PrintStream out) {
    this.sc = sc;
    this.job = job;
    this.out = out;
  }

  /**
   * Evaluates each configured baseline into {@code table}, adapted by {@code adaptation} as the
   * meta-learned model is, from its starting point (with the adaptation's own initial learned values,
   * if it learns any); the joint network lives in {@code run}'s joint/.
   */
  void addTo(EvaluationTable table, ModelSpec model, RunDirectory run, Adaptation adaptation) throws IOException {
    if (job.settings().evaluate().baselines().isEmpty()) {
      return;
    }
    double[] init = job.initialParams(model);
    for (String name : job.settings().evaluate().baselines()) {
      Map<String, Object> facts = new LinkedHashMap<>();
      double[] start;
      if (name.equals(EvaluateSettings.SCRATCH)) {
        facts.put("init", job.settings().model().init().configName());
        facts.put("model_seed", job.settings().model().seed());
        start = init;
      } else {
        RunDirectory jointDir = run.child(JOINT_DIR);
        JsonNode joint = jointFacts(model, init, jointDir);
        facts.putAll(JSON.convertValue(joint, Map.class));
        facts.remove("fingerprint");
        start = JointNetwork.startingPoint(model, init, ModelExport.read(jointDir));
      }
      table.add(name, AdaptationEvaluation.run(sc, job, model, adaptation, adaptation.initialMeta(start)), facts);
    }
  }

  /** The saved joint network's facts, training and saving it first unless a saved one fits the config. */
  private JsonNode jointFacts(ModelSpec model, double[] init, RunDirectory dir) throws IOException {
    String fingerprint = job.jointFingerprint();
    if (dir.exists(JOINT_FACTS) && dir.exists(ModelExport.MODEL)) {
      JsonNode saved = readJson(dir);
      if (fingerprint.equals(saved.path("fingerprint").asText())) {
        out.printf(Locale.ROOT, "joint baseline: the network in %s (pooled loss %s -> %s)%n", dir,
            AdaptationEvaluation.number(saved.path("pooled_loss_before").asDouble()),
            AdaptationEvaluation.number(saved.path("pooled_loss_after").asDouble()));
        return saved;
      }
      out.printf("joint baseline: the network in %s was trained under another config; training it again%n", dir);
    }
    JointTrainer.Settings settings = job.settings().evaluate().joint().training();
    List<TaskDescriptor> tasks = jointTasks();
    out.printf(Locale.ROOT, "joint baseline: training on %d meta-training tasks pooled, %d epochs, with dl4j-spark%n",
        tasks.size(), settings.epochs());
    long began = System.nanoTime();
    JointTrainer.Result result = new JointTrainer(sc, job.settings().spark().partitions())
        .train(model, init, PooledData.of(job.taskFamily(ClassSplit.Part.TRAIN)), tasks, settings);
    double seconds = (System.nanoTime() - began) / 1e9;
    MultiLayerNetwork net = result.network();
    Map<String, Object> facts = new LinkedHashMap<>();
    facts.put("pooled_tasks", tasks.size());
    facts.put("pooled_examples", result.examples());
    facts.put("outputs", net.layerSize(net.getnLayers() - 1));
    facts.put("epochs", settings.epochs());
    facts.put("batch_size", settings.batchSize());
    facts.put("lr", settings.learningRate());
    facts.put("averaging_frequency", settings.averagingFrequency());
    facts.put("pooled_loss_before", result.lossBefore());
    facts.put("pooled_loss_after", result.lossAfter());
    facts.put("training_seconds", seconds);
    facts.put("fingerprint", fingerprint);
    dir.writeAtomically(ModelExport.MODEL, o -> ModelSerializer.writeModel(net, o, false));
    dir.writeString(JOINT_FACTS, JSON.writeValueAsString(facts));
    out.printf(Locale.ROOT, "joint baseline: pooled loss %s -> %s in %s (%d examples, %d outputs); saved in %s%n",
        AdaptationEvaluation.number(result.lossBefore()), AdaptationEvaluation.number(result.lossAfter()),
        Clock.of(seconds), result.examples(), net.layerSize(net.getnLayers() - 1), dir);
    return JSON.valueToTree(facts);
  }

  /**
   * The joint baseline's data: the first {@code evaluate.joint.tasks} meta-training tasks, in the
   * order meta-training draws them (iteration 0's meta-batch, then iteration 1's, ...).
   */
  private List<TaskDescriptor> jointTasks() {
    int count = job.settings().evaluate().joint().tasks();
    int metaBatch = job.settings().train().metaBatch();
    TaskSampler sampler = new TaskSampler(job.settings().run().seed());
    List<TaskDescriptor> tasks = new ArrayList<>(count);
    for (long iteration = 0; tasks.size() < count; iteration++) {
      for (TaskDescriptor task : sampler.metaBatch(iteration, metaBatch)) {
        if (tasks.size() < count) {
          tasks.add(task);
        }
      }
    }
    return tasks;
  }

  private static JsonNode readJson(RunDirectory dir) throws IOException {
    try (InputStream in = dir.fs().open(dir.path(JOINT_FACTS))) {
      return JSON.readTree(in);
    }
  }
}
