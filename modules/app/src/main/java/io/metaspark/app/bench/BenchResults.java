package io.metaspark.app.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.metaspark.app.config.Job;
import io.metaspark.app.config.Settings;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * The bench's figures per (master, configuration) over the repeats, the tables it prints, and its
 * results file. Times are medians over the repeats (of per-iteration medians; the split, of
 * per-iteration means, since Spark's timestamps are whole milliseconds and a median of them would
 * be quantized); memory is the largest reading over the repeats.
 */
final class BenchResults {
  private final Map<String, Job> jobs;
  private final int repeats;
  private final Map<String, Row> rows = new LinkedHashMap<>();
  String loadAtStart = "";
  String loadAtEnd = "";

  private static final class Row {
    final String master;
    final int slots;
    final String configuration;
    final Bench.Sample[] samples;

    Row(String master, int slots, String configuration, int repeats) {
      this.master = master;
      this.slots = slots;
      this.configuration = configuration;
      this.samples = new Bench.Sample[repeats];
    }

    double millis() {
      return median(Arrays.stream(samples).mapToDouble(Bench.Sample::medianMillis).toArray());
    }

    double split(ToDoubleFunction<IterationSplit> part) {
      return median(Arrays.stream(samples).mapToDouble(s -> part.applyAsDouble(s.meanSplit())).toArray());
    }
  }

  BenchResults(Map<String, Job> jobs, int repeats) {
    this.jobs = jobs;
    this.repeats = repeats;
  }

  void add(String master, int slots, String configuration, int repeat, Bench.Sample sample) {
    rows.computeIfAbsent(master + " " + configuration, k -> new Row(master, slots, configuration, repeats))
        .samples[repeat] = sample;
  }

  void write(Bench.Settings settings) throws IOException {
    List<Map<String, Object>> results = new ArrayList<>();
    System.out.println();
    System.out.println("| master | configuration | ms / meta-iteration (median) | tasks/s | spread over repeats | GFLOP/s |");
    System.out.println("|---|---|---|---|---|---|");
    for (Row row : rows.values()) {
      Job job = jobs.get(row.configuration);
      double ms = row.millis();
      double[] byRepeat = Arrays.stream(row.samples).mapToDouble(Bench.Sample::medianMillis).toArray();
      double[] sorted = byRepeat.clone();
      Arrays.sort(sorted);
      long flops = GradientFlops.perIteration(job);
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("master", row.master);
      r.put("task_slots", row.slots);
      r.put("configuration", row.configuration);
      // what computed the network: auto's meaning depends on the algorithm, and the route decides the speed
      r.put("learner", job.learner().implementation(job.model()));
      r.put("ms_per_iteration_median", ms);
      r.put("tasks_per_second", tasksPerSecond(job, ms));
      r.put("ms_per_iteration_by_repeat", byRepeat);
      r.put("gflop_per_iteration", flops / 1e9);
      r.put("gflop_per_second", flops / 1e6 / ms);
      double cores = median(Arrays.stream(row.samples).mapToDouble(Bench.Sample::coresBusy).toArray());
      if (!Double.isNaN(cores)) {
        r.put("cpu_cores_busy", cores);
        r.put("cpu_ms_per_iteration", cores * ms);
      }
      Map<String, Object> split = new LinkedHashMap<>();
      split.put("prepare", row.split(IterationSplit::prepare));
      split.put("launch", row.split(IterationSplit::launch));
      split.put("compute", row.split(IterationSplit::compute));
      split.put("merge", row.split(IterationSplit::merge));
      split.put("update", row.split(IterationSplit::update));
      split.put("total", row.split(IterationSplit::total));
      r.put("split_ms_mean", split);
      r.put("overhead_fraction", row.split(s -> s.overhead() / s.total()));
      r.put("memory_mb", memory(row));
      results.add(r);
      System.out.printf(Locale.ROOT, "| %s | %s | %.2f | %.0f | %.2f - %.2f ms | %.2f |%n", row.master, row.configuration,
          ms, tasksPerSecond(job, ms), sorted[0], sorted[sorted.length - 1], flops / 1e6 / ms);
    }
    printSplit();
    printMemory();
    List<Map<String, Object>> scaling = scaling();

    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("created", Instant.now().toString());
    Map<String, Object> machine = new LinkedHashMap<>();
    machine.put("cores", Runtime.getRuntime().availableProcessors());
    machine.put("cpu", cpuModel());
    machine.put("java", System.getProperty("java.version"));
    machine.put("driver_max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
    machine.put("omp_num_threads", System.getenv("OMP_NUM_THREADS"));
    machine.put("load_average_at_start", loadAtStart);
    machine.put("load_average_at_end", loadAtEnd);
    doc.put("machine", machine);
    doc.put("config", settings.config() == null ? null : settings.config().toString());
    doc.put("overrides", settings.overrides());
    Job first = jobs.values().iterator().next();
    doc.put("meta_batch", first.settings().train().metaBatch());
    doc.put("inner_steps", first.algorithm().adaptation().steps());
    doc.put("partitions", first.settings().spark().partitions());
    doc.put("warmup_iterations", settings.warmup());
    doc.put("measured_iterations", settings.iterations());
    doc.put("repeats", repeats);
    doc.put("flop_convention", "multiply-add = 2 FLOPs; convolutions and dense layers only; a gradient = 3 forward"
        + " passes; examples per task as the algorithm runs them (MAML: 3 x steps x support + query)");
    doc.put("results", results);
    doc.put("scaling", scaling);
    File output = settings.output();
    Path parent = output.getAbsoluteFile().toPath().getParent();
    Files.createDirectories(parent);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(output, doc);
    System.out.println("written: " + output);
  }

  private double tasksPerSecond(Job job, double ms) {
    return job.settings().train().metaBatch() * 1000 / ms;
  }

  private Map<String, Object> memory(Row row) {
    Map<String, Object> memory = new LinkedHashMap<>();
    memory.put("driver", largest(Arrays.stream(row.samples).map(Bench.Sample::driver).toList()));
    // executors are new JVMs in every repeat: take each repeat's largest, then the largest of those
    List<MemoryProbe.Reading> executors = new ArrayList<>();
    for (Bench.Sample s : row.samples) {
      executors.addAll(s.executors());
    }
    memory.put("executors_seen", row.samples[row.samples.length - 1].executors().size());
    memory.put("executor_largest", executors.isEmpty() ? "in the driver's JVM" : largest(executors));
    return memory;
  }

  private static Map<String, Long> largest(List<MemoryProbe.Reading> readings) {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("heap_peak", max(readings, MemoryProbe.Reading::heapPeakMb));
    m.put("heap_live_after_gc", max(readings, MemoryProbe.Reading::heapLiveMb));
    m.put("rss_peak", max(readings, MemoryProbe.Reading::rssPeakMb));
    m.put("rss", max(readings, MemoryProbe.Reading::rssMb));
    return m;
  }

  private static long max(List<MemoryProbe.Reading> readings, ToLongFunction<MemoryProbe.Reading> field) {
    return readings.stream().mapToLong(field).max().orElse(-1);
  }

  private void printSplit() {
    System.out.println();
    System.out.println("Where an iteration's time goes (ms, mean per iteration, median over repeats):");
    System.out.println("| master | configuration | driver prepare | scheduling/launch | task compute | result/merge"
        + " | driver update | overhead |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    for (Row row : rows.values()) {
      System.out.printf(Locale.ROOT, "| %s | %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.1f%% |%n", row.master,
          row.configuration, row.split(IterationSplit::prepare), row.split(IterationSplit::launch),
          row.split(IterationSplit::compute), row.split(IterationSplit::merge), row.split(IterationSplit::update),
          100 * row.split(s -> s.overhead() / s.total()));
    }
  }

  private void printMemory() {
    System.out.println();
    System.out.println("Memory (MB, largest over repeats): heap peak / live after GC / RSS peak");
    System.out.println("| master | configuration | driver | largest executor (own JVM) |");
    System.out.println("|---|---|---|---|");
    for (Row row : rows.values()) {
      Map<String, Object> m = memory(row);
      System.out.printf(Locale.ROOT, "| %s | %s | %s | %s |%n", row.master, row.configuration,
          triple(m.get("driver")), triple(m.get("executor_largest")));
    }
  }

  @SuppressWarnings("unchecked")
  private static String triple(Object reading) {
    if (!(reading instanceof Map)) {
      return String.valueOf(reading);
    }
    Map<String, Long> m = (Map<String, Long>) reading;
    return m.get("heap_peak") + " / " + m.get("heap_live_after_gc") + " / " + m.get("rss_peak");
  }

  /**
   * Scaling efficiency = tasks/s with n slots / (n x tasks/s with 1 slot), between masters of one
   * kind (local[1] -> local[n], local-cluster[1,..] -> local-cluster[n,..]), per configuration.
   */
  List<Map<String, Object>> scaling() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Row one : rows.values()) {
      if (one.slots != 1) {
        continue;
      }
      for (Row many : rows.values()) {
        if (many.slots > 1 && many.configuration.equals(one.configuration) && kind(many.master).equals(kind(one.master))) {
          double efficiency = one.millis() / (many.millis() * many.slots);
          Map<String, Object> s = new LinkedHashMap<>();
          s.put("configuration", one.configuration);
          s.put("from", one.master);
          s.put("to", many.master);
          s.put("efficiency", efficiency);
          out.add(s);
        }
      }
    }
    if (!out.isEmpty()) {
      System.out.println();
      System.out.println("| configuration | from | to | scaling efficiency |");
      System.out.println("|---|---|---|---|");
      for (Map<String, Object> s : out) {
        System.out.printf(Locale.ROOT, "| %s | %s | %s | %.0f%% |%n", s.get("configuration"), s.get("from"), s.get("to"),
            100 * (double) s.get("efficiency"));
      }
    }
    return out;
  }

  private static String kind(String master) {
    int bracket = master.indexOf('[');
    return bracket < 0 ? master : master.substring(0, bracket);
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "";
    }
  }

  private static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("");
    } catch (IOException e) {
      return "";
    }
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
