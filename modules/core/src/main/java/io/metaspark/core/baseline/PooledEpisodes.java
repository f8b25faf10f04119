package io.metaspark.core.baseline;

import io.metaspark.core.task.Examples;
import io.metaspark.core.task.TaskData;
import io.metaspark.core.task.TaskDescriptor;
import io.metaspark.core.task.image.EpisodeTaskFamily;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * N-way episodes pooled: an episode's labels 0..N-1 are shuffled in every task and mean nothing
 * across tasks, so each image is labelled instead with its class's position among all the classes
 * of the family's part of the split ({@link EpisodeTaskFamily#episodeClasses}), one-hot over all of
 * them.
 */
record PooledEpisodes(EpisodeTaskFamily family) implements PooledData {
  @Override
  public Examples examples(TaskDescriptor descriptor, DataType dataType) {
    TaskData task = family.sample(descriptor, dataType);
    int[] classes = family.episodeClasses(descriptor);
    int width = family.partClassCount();
    return new Examples(Nd4j.concat(0, task.support().features(), task.query().features()),
        Nd4j.concat(0, relabelled(task.support().labels(), classes, width, dataType),
            relabelled(task.query().labels(), classes, width, dataType)));
  }

  /** The part's class count (reads the data). */
  @Override
  public int labelWidth() {
    return family.partClassCount();
  }

  /** One-hot rows over the episode's N labels, as one-hot rows over the part's classes. */
  private static INDArray relabelled(INDArray episodeLabels, int[] classes, int width, DataType dataType) {
    int n = (int) episodeLabels.size(0);
    float[] oneHot = new float[n * width];
    for (int i = 0; i < n; i++) {
      oneHot[i * width + classes[episodeLabels.getRow(i).argMax().getInt(0)]] = 1f;
    }
    return Nd4j.create(oneHot, new long[] {n, width}, DataType.FLOAT).castTo(dataType);
  }
}
