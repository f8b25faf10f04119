package io.metaspark.core.task.image;

import java.io.Serializable;

/**
 * Where a task family's images come from. It travels with the family to the executors, so it holds
 * only what identifies the data (paths, preprocessing), never the pixels: {@link #classes()} loads
 * them where the tasks run, and implementations keep them once per JVM.
 */
public interface ImageClassSource extends Serializable {
  ImageClassSet classes();

  /** A short human name, for logs and run metadata. */
  String describe();
}
