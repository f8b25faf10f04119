package io.metaspark.app.bench;

import io.metaspark.app.config.AlgorithmSettings;
import io.metaspark.app.config.ConfigError;
import io.metaspark.app.config.Job;
import io.metaspark.app.config.Registries;
import io.metaspark.app.config.TrainSettings;
import io.metaspark.app.run.SparkContexts;
import io.metaspark.spark.ExecutionMode;
import io.metaspark.spark.SparkMetaTrainer;
import io.metaspark.spark.TrainingPlan;
import io.metaspark.spark.TrainingState;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * Meta-training throughput per Spark master and algorithm, measured side by side in one run:
 * every repeat visits every configuration in turn, so a noisy machine slows them alike, and each
 * figure is a median (per-iteration wall times past the warm-up, then across repeats). With it,
 * where each iteration's time went ({@link IterationSplit}, from Spark's listener events), the
 * driver's and executors' memory ({@link MemoryProbe}), GFLOP/s of the gradient work, and the
 * scaling from one task slot to several.
 */
public final class Bench {
  private static final Pattern LOCAL = Pattern.compile("local(\\[(\\d+)])?");
  private static final Pattern LOCAL_CLUSTER = Pattern.compile("local-cluster\\[(\\d+),\\s*(\\d+),\\s*(\\d+)]");

  /**
   * What bench compares, and how long it measures: its options, named in its errors.
   *
   * @param vary "KEY=V1,V2": also compare these values of one config key; or null
   * @param config the job config the configurations start from (null: the defaults), with {@code overrides}
   */
  public record Settings(List<String> masters, List<String> algorithms, String vary, int iterations, int warmup,
      int repeats, File output, File config, List<String> overrides) {}

  private final Settings settings;
  private final Registries registries;

  /** @param registries what the config (and --algorithms) may name */
  public Bench(Settings settings, Registries registries) {
    this.settings = settings;
    this.registries = registries;
  }

  /**
   * One configuration's figures in one repeat. {@code coresBusy}: this JVM's CPU time over the
   * training's wall time, warm-up included: what a loaded machine leaves of the task slots, and,
   * times the iteration time, the CPU an iteration costs, which other processes' load does not
   * inflate as it does wall time. NaN where executors run in JVMs of their own.
   */
  record Sample(double medianMillis, IterationSplit meanSplit, MemoryProbe.Reading driver,
      List<MemoryProbe.Reading> executors, double coresBusy) {}

  /** Measures every configuration on every master, prints the tables and writes the results file. */
  public void run() throws Exception {
    int repeats = settings.repeats();
    int iterations = settings.iterations();
    int warmup = settings.warmup();
    if (iterations < 1 || warmup < 0 || repeats < 1) {
      throw new ConfigError("--iterations and --repeats must be >= 1 and --warmup >= 0");
    }
    for (String master : settings.masters()) {
      if (slots(master) < 1) {
        throw new ConfigError("--masters: '" + master + "' is not local, local[N] or local-cluster[N,cores,MB]"
            + " (bench starts its own Spark; for a real cluster use train and its metrics.jsonl)");
      }
      if (master.startsWith("local-cluster")) {
        SparkContexts.requireSparkHome();
      }
    }
    List<String> varied = List.of("");
    String vary = settings.vary();
    if (vary != null) {
      int eq = vary.indexOf('=');
      if (eq <= 0 || eq == vary.length() - 1) {
        throw new ConfigError("--vary expects KEY=V1,V2, got '" + vary + "'");
      }
      String key = vary.substring(0, eq);
      varied = Arrays.stream(vary.substring(eq + 1).split(",")).map(v -> key + "=" + v.trim()).toList();
    }
    Map<String, Job> jobs = new LinkedHashMap<>();
    for (String algorithm : settings.algorithms()) {
      for (String setting : varied) {
        List<String> overrides = new ArrayList<>(settings.overrides());
        if (!setting.isEmpty()) {
          overrides.add(setting);
        }
        overrides.add(AlgorithmSettings.NAME.path() + "=" + algorithm);
        // no loss measurement inside the timed iterations: it costs forward passes training does not
        // need. Training measures its first and its last iteration whatever log-every says, so one
        // untimed iteration runs after the timed ones
        overrides.add(TrainSettings.ITERATIONS.path() + "=" + (warmup + iterations + 1));
        overrides.add(TrainSettings.LOG_EVERY.path() + "=" + (warmup + iterations + 1));
        jobs.put(setting.isEmpty() ? algorithm : algorithm + "[" + setting + "]",
            Job.load(settings.config(), overrides, registries));
      }
    }
    BenchResults results = new BenchResults(jobs, repeats);
    results.loadAtStart = BenchResults.loadAverage();
    for (int r = 0; r < repeats; r++) {
      for (String master : settings.masters()) {
        try (JavaSparkContext sc = SparkContexts.start(jobs.values().iterator().next(), master)) {
          IterationTimeline timeline = new IterationTimeline();
          sc.sc().addSparkListener(timeline);
          // the first job waits for every executor JVM to register
          MemoryProbe.executors(sc, false);
          for (Map.Entry<String, Job> job : jobs.entrySet()) {
            job.getValue().prepareTasks(sc, System.out);
            Sample sample = measure(sc, timeline, job.getValue());
            results.add(master, slots(master), job.getKey(), r, sample);
            System.out.printf(Locale.ROOT, "repeat %d/%d  %-24s %-34s %9.2f ms/iteration (compute %.2f, update %.2f)%n",
                r + 1, repeats, master, job.getKey(), sample.medianMillis(), sample.meanSplit().compute(),
                sample.meanSplit().update());
          }
        }
      }
    }
    results.loadAtEnd = BenchResults.loadAverage();
    results.write(settings);
  }

  private Sample measure(JavaSparkContext sc, IterationTimeline timeline, Job job) throws Exception {
    TrainingPlan plan = job.plan();
    // the algorithm's meta-parameters, as train starts from: learned rates or a policy's log-std follow the network's
    double[] initial = job.algorithm().init(job.initialParams());
    int iterations = settings.iterations();
    int warmup = settings.warmup();
    double[] wall = new double[iterations];
    double[] jobMillis = new double[iterations];
    MemoryProbe.resetHere();
    MemoryProbe.executors(sc, true);
    timeline.clear();
    sc.setLocalProperty(IterationTimeline.ITERATION, "0");
    SparkMetaTrainer trainer = new SparkMetaTrainer(sc, plan);
    long cpuBefore = processCpuNanos();
    long wallBefore = System.nanoTime();
    try {
      trainer.train(new TrainingState(0, initial, plan.optimizer().init(initial)),
          (report, state) -> {
            if (report.iteration() >= warmup && report.iteration() < warmup + iterations) {
              wall[(int) (report.iteration() - warmup)] = report.millis();
              jobMillis[(int) (report.iteration() - warmup)] = report.jobMillis();
            }
            sc.setLocalProperty(IterationTimeline.ITERATION, Long.toString(report.iteration() + 1));
          });
    } finally {
      sc.setLocalProperty(IterationTimeline.ITERATION, null);
    }
    // the listener hears of the last jobs a little later
    sc.sc().listenerBus().waitUntilEmpty(60_000);
    IterationSplit sum = IterationSplit.ZERO;
    for (int i = 0; i < iterations; i++) {
      if (trainer.mode().mode() == ExecutionMode.BARRIER) {
        sum = sum.plus(IterationSplit.withoutJob(wall[i], jobMillis[i]));
        continue;
      }
      IterationTimeline.JobEvents events = timeline.of(warmup + i);
      if (events == null) {
        throw new IllegalStateException("Spark reported no job for iteration " + (warmup + i));
      }
      sum = sum.plus(IterationSplit.of(wall[i], jobMillis[i], events));
    }
    MemoryProbe.Reading driver = MemoryProbe.readHere("driver");
    List<MemoryProbe.Reading> executors = MemoryProbe.executors(sc, false);
    double coresBusy = sc.isLocal() && cpuBefore >= 0
        ? (processCpuNanos() - cpuBefore) / (double) (System.nanoTime() - wallBefore) : Double.NaN;
    return new Sample(BenchResults.median(wall), sum.times(1.0 / iterations), driver, executors, coresBusy);
  }

  /** This JVM's CPU time so far, or -1 where the platform does not say. */
  private static long processCpuNanos() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime() : -1;
  }

  /**
   * Task slots of a master this command can start: local[N] has N, local-cluster[N,c,m] N x c; 0
   * for anything else (a real cluster's masters are not for bench).
   */
  static int slots(String master) {
    Matcher local = LOCAL.matcher(master.trim());
    if (local.matches()) {
      return local.group(2) == null ? 1 : Integer.parseInt(local.group(2));
    }
    Matcher cluster = LOCAL_CLUSTER.matcher(master.trim());
    if (cluster.matches()) {
      return Integer.parseInt(cluster.group(1)) * Integer.parseInt(cluster.group(2));
    }
    return 0;
  }
}
