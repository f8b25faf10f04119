package io.metaspark.app.bench;

import io.metaspark.app.config.ConfigError;
import io.metaspark.app.run.SparkContexts;
import io.metaspark.core.algo.TaskOutcome;
import io.metaspark.core.sum.OutcomeSum;
import io.metaspark.spark.TrainingPlan;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;

/**
 * The fixed costs of a jobs-mode meta-iteration, measured with no compute at all, for the cost
 * model (iteration time = compute per executor + parameter shipping + aggregation + scheduling).
 * Three runs per master, partition count and parameter count, each one Spark job per iteration
 * shaped like {@code SparkMetaTrainer}'s: {@code schedule} (P empty tasks), {@code ship} (the
 * parameters in the task closure, as training sends them), {@code aggregate} (and every partition
 * returning an exact sum of two parameter-sized vectors, merged as training merges them, tree depth
 * from the partition count). Shipping is then ship - schedule, aggregation aggregate - ship; compute
 * comes from {@code bench} itself. Writes one row per run (median and 10th/90th percentile of the
 * per-iteration wall times) to a TSV file.
 */
public final class FixedCosts {
  /** What to measure, and how long: the options of {@code bench costs}. */
  public record Settings(List<String> masters, List<Integer> partitions, List<Integer> params, int iterations,
      int warmup, File output) {}

  /** One run's per-iteration wall times, in milliseconds. */
  private record Row(String master, int partitions, int params, String run, double medianMillis, double p10Millis,
      double p90Millis) {}

  private final Settings settings;

  public FixedCosts(Settings settings) {
    this.settings = settings;
  }

  /** Measures every combination, master by master, and writes the rows. */
  public void run() throws IOException {
    if (settings.iterations() < 1 || settings.warmup() < 0) {
      throw new ConfigError("--iterations must be >= 1 and --warmup >= 0");
    }
    for (String master : settings.masters()) {
      if (Bench.slots(master) < 1) {
        throw new ConfigError("--masters: '" + master + "' is not local, local[N] or local-cluster[N,cores,MB]");
      }
    }
    if (settings.partitions().stream().anyMatch(p -> p < 1) || settings.params().stream().anyMatch(n -> n < 1)) {
      throw new ConfigError("--partitions and --params must be >= 1, got " + settings.partitions() + " and "
          + settings.params());
    }
    String loadAtStart = BenchResults.loadAverage();
    List<Row> rows = new ArrayList<>();
    for (String master : settings.masters()) {
      if (master.startsWith("local-cluster")) {
        SparkContexts.requireSparkHome();
      }
      try (JavaSparkContext sc = SparkContexts.start(master, master, "metaspark-bench-costs", Map.of())) {
        for (int partitions : settings.partitions()) {
          for (int params : settings.params()) {
            rows.add(measure(sc, master, partitions, params, "schedule"));
            rows.add(measure(sc, master, partitions, params, "ship"));
            rows.add(measure(sc, master, partitions, params, "aggregate"));
          }
        }
      }
    }
    write(rows, loadAtStart);
  }

  private Row measure(JavaSparkContext sc, String master, int partitions, int params, String run) {
    double[] parameters = new double[params];
    Arrays.fill(parameters, 1.0 / 3);
    double[] millis = new double[settings.iterations()];
    for (int i = -settings.warmup(); i < settings.iterations(); i++) {
      long began = System.nanoTime();
      long summed = oneIteration(sc, partitions, parameters, run).tasks();
      double elapsed = (System.nanoTime() - began) / 1e6;
      long expected = run.equals("aggregate") ? 2L * partitions : 0;
      if (summed != expected) {
        throw new IllegalStateException(run + " summed " + summed + " vectors, not " + expected);
      }
      if (i >= 0) {
        millis[i] = elapsed;
      }
    }
    Arrays.sort(millis);
    return new Row(master, partitions, params, run, percentile(millis, 0.5), percentile(millis, 0.1),
        percentile(millis, 0.9));
  }

  /** One Spark job: two task indices per partition, the parameters in the closure unless only scheduling is measured. */
  private static OutcomeSum oneIteration(JavaSparkContext sc, int partitions, double[] parameters, String run) {
    JavaRDD<Integer> tasks = sc.parallelize(IntStream.range(0, 2 * partitions).boxed().toList(), partitions);
    Function2<OutcomeSum, Integer, OutcomeSum> addTask = switch (run) {
      case "schedule" -> (acc, task) -> acc;
      case "ship" -> (acc, task) -> {
        // reads the parameters, so the closure holds them: Spark ships them with every task, as in training
        if (parameters.length == 0) {
          throw new IllegalStateException("no parameters arrived");
        }
        return acc;
      };
      case "aggregate" -> (acc, task) -> acc.add(new TaskOutcome(parameters, Double.NaN, Double.NaN));
      default -> throw new IllegalArgumentException(run);
    };
    int depth = TrainingPlan.depthFor(partitions);
    return depth == 1
        ? tasks.aggregate(OutcomeSum.empty(), addTask, OutcomeSum::merge)
        : tasks.treeAggregate(OutcomeSum.empty(), addTask, OutcomeSum::merge, depth);
  }

  private static double percentile(double[] sorted, double q) {
    return sorted[(int) Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))];
  }

  private void write(List<Row> rows, String loadAtStart) throws IOException {
    File out = settings.output();
    if (out.getParentFile() != null) {
      Files.createDirectories(out.getParentFile().toPath());
    }
    StringBuilder tsv = new StringBuilder()
        .append("# metaspark bench costs: no-compute iterations; ").append(settings.iterations())
        .append(" measured after ").append(settings.warmup()).append(" warm-up; load average at start ")
        .append(loadAtStart).append(", at end ").append(BenchResults.loadAverage()).append('\n')
        .append("# shipping = ship - schedule, aggregation = aggregate - ship; on a shared machine these are"
            + " not a calibration: re-run on a quiet one\n")
        .append("master\tpartitions\tparams\trun\tmedian_ms\tp10_ms\tp90_ms\n");
    for (Row r : rows) {
      tsv.append(String.format(Locale.ROOT, "%s\t%d\t%d\t%s\t%.3f\t%.3f\t%.3f%n", r.master(), r.partitions(),
          r.params(), r.run(), r.medianMillis(), r.p10Millis(), r.p90Millis()));
    }
    Files.writeString(out.toPath(), tsv);
  }
}
