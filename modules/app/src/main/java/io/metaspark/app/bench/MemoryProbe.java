package io.metaspark.app.bench;

import java.io.IOException;
import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

/**
 * Peak and live memory of a JVM: the driver's directly, the executors' through a small job that
 * runs the same reading in each executor JVM. Linux only for the resident set (/proc/self/status).
 */
final class MemoryProbe {
  private MemoryProbe() {}

  /**
   * @param heapPeakMb sum of the heap pools' peaks since the last reset: an upper bound of the heap's
   *     peak (pools peak at different times), which with a large young generation mostly says how
   *     much garbage the collector let accumulate
   * @param heapLiveMb heap in use right after a full collection: what the process really keeps
   * @param rssPeakMb the resident set's high-water mark since the last reset (VmHWM): heap, ND4J's
   *     native buffers, code
   * @param rssMb the resident set now (VmRSS)
   */
  record Reading(String executor, long pid, long heapPeakMb, long heapLiveMb, long rssPeakMb, long rssMb)
      implements Serializable {}

  /** Resets this JVM's peaks: the heap pools' and the kernel's VmHWM (writing 5 to clear_refs). */
  static void resetHere() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
    try {
      Files.writeString(Path.of("/proc/self/clear_refs"), "5");
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      // not Linux, or not allowed: VmHWM then stays the process's lifetime peak
    }
  }

  static Reading readHere(String executor) {
    long heapPeak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        heapPeak += pool.getPeakUsage().getUsed();
      }
    }
    System.gc();
    long live = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    Map<String, Long> status = procStatusKb();
    return new Reading(executor, ProcessHandle.current().pid(), heapPeak >> 20, live >> 20,
        status.getOrDefault("VmHWM", -1L) >> 10, status.getOrDefault("VmRSS", -1L) >> 10);
  }

  /** The executors' readings, one per executor JVM; none when the executors run in this JVM. */
  static List<Reading> executors(JavaSparkContext sc, boolean reset) {
    int executors = sc.sc().getExecutorMemoryStatus().size() - 1;
    if (executors < 1) {
      return List.of();
    }
    // many small partitions so that every executor runs at least one (not guaranteed, reported)
    int partitions = 8 * executors;
    // (records cannot cross Kryo: the readings travel as plain values)
    List<Tuple2<String, long[]>> all = sc.parallelize(IntStream.range(0, partitions).boxed().toList(), partitions)
        .mapPartitions((Iterator<Integer> ignored) -> {
          if (reset) {
            resetHere();
          }
          Reading r = readHere(SparkEnv.get().executorId());
          return List.of(new Tuple2<>(r.executor(),
              new long[] {r.pid(), r.heapPeakMb(), r.heapLiveMb(), r.rssPeakMb(), r.rssMb()})).iterator();
        })
        .collect();
    Map<String, Reading> byExecutor = new LinkedHashMap<>();
    for (Tuple2<String, long[]> t : all) {
      long[] v = t._2();
      byExecutor.putIfAbsent(t._1(), new Reading(t._1(), v[0], v[1], v[2], v[3], v[4]));
    }
    return new ArrayList<>(byExecutor.values());
  }

  private static Map<String, Long> procStatusKb() {
    Map<String, Long> values = new LinkedHashMap<>();
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        String[] parts = line.split("\\s+");
        if (parts.length >= 2 && (parts[0].equals("VmHWM:") || parts[0].equals("VmRSS:"))) {
          values.put(parts[0].substring(0, parts[0].length() - 1), Long.parseLong(parts[1]));
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux: no resident-set figures
    }
    return values;
  }
}
