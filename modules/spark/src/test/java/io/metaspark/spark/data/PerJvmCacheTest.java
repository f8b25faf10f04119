package io.metaspark.spark.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.metaspark.core.task.image.ImageClassSet;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PerJvmCacheTest {

  @Test
  void concurrentFirstLoadsDecodeOnce() throws Exception {
    PerJvmCache<ImageClassSet> cache = new PerJvmCache<>();
    ImageFolderSource source = ImageFolderSourceTest.glyphs(false);
    AtomicInteger decodes = new AtomicInteger();
    int threads = 4;
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      Future<?>[] results = new Future<?>[threads];
      for (int t = 0; t < threads; t++) {
        results[t] = pool.submit(() -> {
          start.await();
          return cache.get(source, () -> {
            decodes.incrementAndGet();
            return source.decode();
          });
        });
      }
      Object first = results[0].get();
      for (Future<?> result : results) {
        assertSame(first, result.get(), "every task sees the one decoded set");
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1, decodes.get(), "decoded once for " + threads + " concurrent first tasks");
    assertSame(cache.get(source, () -> {
      throw new AssertionError("a later task must not decode");
    }), cache.get(ImageFolderSourceTest.glyphs(false), source::decode));
  }

  @Test
  void aFailedLoadIsRetriedByTheNextTask() {
    PerJvmCache<ImageClassSet> cache = new PerJvmCache<>();
    ImageFolderSource source = ImageFolderSourceTest.glyphs(false);
    assertThrows(IllegalStateException.class, () -> cache.get(source, () -> {
      throw new IllegalStateException("transient read error");
    }));
    ImageClassSet loaded = cache.get(source, source::decode);
    assertEquals(15, loaded.numClasses());
  }
}
