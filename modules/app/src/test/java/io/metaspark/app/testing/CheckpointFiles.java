package io.metaspark.app.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What a run's checkpoint directory holds, seen from outside the process writing it. */
public final class CheckpointFiles {
  private CheckpointFiles() {}

  /** Whether a checkpoint of a later iteration than {@code iteration} has been written. */
  public static boolean pastIteration(Path checkpoints, long iteration) throws IOException {
    if (!Files.isDirectory(checkpoints)) {
      return false;
    }
    try (var files = Files.list(checkpoints)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.matches("ckpt-\\d{12}\\.msck"))
          .anyMatch(n -> Long.parseLong(n.substring(5, 17)) > iteration);
    }
  }
}
