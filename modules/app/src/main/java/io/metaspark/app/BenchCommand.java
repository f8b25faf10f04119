package io.metaspark.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.metaspark.spark.SparkMetaTrainer;
import io.metaspark.spark.TrainingPlan;
import io.metaspark.spark.TrainingState;
import java.io.File;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Meta-training throughput per Spark master and algorithm, measured side by side in one run:
 * every repeat visits every configuration in turn, so a noisy machine slows them alike, and each
 * figure is a median (per-iteration wall times past the warm-up, then across repeats).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Measure meta-training throughput (ms per meta-iteration, tasks/s) per master and algorithm.")
final class BenchCommand implements Callable<Integer> {
  @Mixin
  JobOptions options;

  @Option(names = "--masters", split = ",", defaultValue = "local[1],local[2]", paramLabel = "M1,M2",
      description = "Spark masters to compare (default: ${DEFAULT-VALUE})")
  List<String> masters;

  @Option(names = "--algorithms", split = ",", defaultValue = "maml,fomaml,reptile", paramLabel = "A1,A2",
      description = "algorithms to compare (default: ${DEFAULT-VALUE})")
  List<String> algorithms;

  @Option(names = "--vary", paramLabel = "KEY=V1,V2",
      description = "also compare values of one config key, e.g. --vary model.learner=auto,dl4j")
  String vary;

  @Option(names = "--iterations", defaultValue = "300", description = "measured iterations per configuration and repeat")
  int iterations;

  @Option(names = "--warmup", defaultValue = "150", description = "iterations run first and not measured (JIT, first network builds)")
  int warmup;

  @Option(names = "--repeats", defaultValue = "3", description = "rounds over all configurations")
  int repeats;

  @Option(names = "--output", defaultValue = "bench/results.json", paramLabel = "FILE", description = "results file (JSON)")
  File output;

  @Override
  public Integer call() throws Exception {
    if (options.master != null) {
      throw new ConfigError("bench compares masters: use --masters, not --master");
    }
    if (iterations < 1 || warmup < 0 || repeats < 1) {
      throw new ConfigError("--iterations and --repeats must be >= 1 and --warmup >= 0");
    }
    List<String> varied = List.of("");
    if (vary != null) {
      int eq = vary.indexOf('=');
      if (eq <= 0 || eq == vary.length() - 1) {
        throw new ConfigError("--vary expects KEY=V1,V2, got '" + vary + "'");
      }
      String key = vary.substring(0, eq);
      varied = Arrays.stream(vary.substring(eq + 1).split(",")).map(v -> key + "=" + v.trim()).toList();
    }
    Map<String, JobConfig> jobs = new LinkedHashMap<>();
    for (String algorithm : algorithms) {
      for (String setting : varied) {
        List<String> overrides = new ArrayList<>(options.overrides);
        if (!setting.isEmpty()) {
          overrides.add(setting);
        }
        overrides.add("algorithm.name=" + algorithm);
        overrides.add("train.iterations=" + (warmup + iterations));
        // no loss measurement inside the timed iterations: it costs forward passes training does not need
        overrides.add("train.log-every=" + (warmup + iterations + 1));
        jobs.put(setting.isEmpty() ? algorithm : algorithm + "[" + setting + "]",
            JobConfig.validated(ConfigLoader.load(options.config, overrides)));
      }
    }
    Map<String, double[]> medians = new LinkedHashMap<>();
    for (int r = 0; r < repeats; r++) {
      for (String master : masters) {
        try (JavaSparkContext sc = SparkContexts.start(jobs.values().iterator().next(), master)) {
          for (Map.Entry<String, JobConfig> job : jobs.entrySet()) {
            double median = medianIterationMillis(sc, job.getValue());
            medians.computeIfAbsent(master + " " + job.getKey(), k -> new double[repeats])[r] = median;
            System.out.printf(Locale.ROOT, "repeat %d/%d  %-10s %-30s %8.2f ms/iteration%n", r + 1, repeats, master,
                job.getKey(), median);
          }
        }
      }
    }
    write(jobs.values().iterator().next(), medians);
    return 0;
  }

  private double medianIterationMillis(JavaSparkContext sc, JobConfig job) {
    TrainingPlan plan = job.plan();
    double[] initial = job.initialParams(plan.runner().model());
    double[] millis = new double[iterations];
    new SparkMetaTrainer(sc, plan).train(new TrainingState(0, initial, plan.optimizer().init(initial.length)),
        (report, state) -> {
          if (report.iteration() >= warmup) {
            millis[(int) (report.iteration() - warmup)] = report.millis();
          }
        });
    return median(millis);
  }

  private void write(JobConfig job, Map<String, double[]> medians) throws Exception {
    List<Map<String, Object>> rows = new ArrayList<>();
    System.out.println();
    System.out.println("| master | configuration | ms / meta-iteration (median) | tasks/s | spread over repeats |");
    System.out.println("|---|---|---|---|---|");
    for (Map.Entry<String, double[]> e : medians.entrySet()) {
      String[] key = e.getKey().split(" ", 2);
      double ms = median(e.getValue());
      double tasksPerSecond = job.metaBatch() * 1000 / ms;
      double[] sorted = e.getValue().clone();
      Arrays.sort(sorted);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("master", key[0]);
      row.put("configuration", key[1]);
      row.put("ms_per_iteration_median", ms);
      row.put("tasks_per_second", tasksPerSecond);
      row.put("ms_per_iteration_by_repeat", e.getValue());
      rows.add(row);
      System.out.printf(Locale.ROOT, "| %s | %s | %.2f | %.0f | %.2f - %.2f ms |%n", key[0], key[1], ms, tasksPerSecond,
          sorted[0], sorted[sorted.length - 1]);
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("created", Instant.now().toString());
    doc.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(),
        "java", System.getProperty("java.version"), "max_heap_mb", Runtime.getRuntime().maxMemory() >> 20));
    doc.put("config", options.config == null ? null : options.config.toString());
    doc.put("overrides", options.overrides);
    doc.put("meta_batch", job.metaBatch());
    doc.put("inner_steps", job.innerLoop().steps());
    doc.put("partitions", job.partitions());
    doc.put("warmup_iterations", warmup);
    doc.put("measured_iterations", iterations);
    doc.put("repeats", repeats);
    doc.put("results", rows);
    File parent = output.getAbsoluteFile().getParentFile();
    Files.createDirectories(parent.toPath());
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(output, doc);
    System.out.println("written: " + output);
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
