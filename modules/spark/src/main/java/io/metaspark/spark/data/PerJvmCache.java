package io.metaspark.spark.data;

import io.metaspark.core.task.image.ImageClassSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;

/**
 * Decoded data (image class sets, table groups) kept for the life of a JVM (an executor), so only
 * the first task that needs it pays for reading and decoding. Concurrent first tasks wait for the
 * one load in progress instead of loading again; a load that failed is forgotten, so Spark's retry of the task tries afresh.
 */
final class PerJvmCache<V> {
  static final PerJvmCache<ImageClassSet> IMAGES = new PerJvmCache<>();

  private final ConcurrentHashMap<Object, FutureTask<V>> loads = new ConcurrentHashMap<>();

  V get(Object key, Supplier<V> load) {
    FutureTask<V> mine = new FutureTask<>(load::get);
    FutureTask<V> running = loads.putIfAbsent(key, mine);
    FutureTask<V> current = running == null ? mine : running;
    if (current == mine) {
      mine.run();
    }
    try {
      return current.get();
    } catch (ExecutionException e) {
      loads.remove(key, current);
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException("loading " + key + " failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + key + " to load", e);
    }
  }
}
