package io.metaspark.spark;

import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.eval.AdaptationCurve;
import io.metaspark.core.task.Examples;
import io.metaspark.core.task.TaskDescriptor;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;

/**
 * Whether a saved model can take a task family's tasks, found on an executor before an evaluation
 * starts (where the tasks are read as the evaluation will read them): one task is sampled, its
 * inputs and outputs compared with the network's first and last layers, and adapted one step.
 * A model that cannot take the tasks (another input or output width, images for a dense network,
 * images of another size) is reported as a value, like {@link TaskDataCheck}'s problems, rather
 * than failing every task of the evaluation with a stack trace.
 */
public final class ModelFitCheck {
  private ModelFitCheck() {}

  /** Why the model cannot take the tasks, or empty when it can. */
  public static Optional<String> problem(JavaSparkContext sc, TaskRunner runner, Adaptation adaptation,
      double[] meta) {
    List<String> found = sc.parallelize(List.of(0), 1).map(ignored -> problem(runner, adaptation, meta)).collect();
    return found.get(0).isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  private static String problem(TaskRunner runner, Adaptation adaptation, double[] meta) {
    try {
      TaskDescriptor descriptor = new TaskDescriptor(0, 0, 0);
      Examples support = runner.family().open(descriptor, runner.model().dataType())
          .support(adaptation.networkPart(meta), 0);
      String shapes = shapeProblem(runner.model().configuration(), support);
      if (shapes != null) {
        return shapes;
      }
      runner.adaptationMeasures(descriptor, meta, new AdaptationCurve(new int[] {1}, adaptation));
      return "";
    } catch (RuntimeException e) {
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
      return message.lines().findFirst().orElse(message);
    }
  }

  private static String shapeProblem(MultiLayerConfiguration network, Examples support) {
    long[] features = support.features().shape();
    long[] labels = support.labels().shape();
    Layer first = network.getConf(0).getLayer();
    Layer last = network.getConf(network.getConfs().size() - 1).getLayer();
    boolean images = features.length == 4;
    if (images != first instanceof ConvolutionLayer) {
      return "the tasks are " + (images ? "images " + Arrays.toString(Arrays.copyOfRange(features, 1, 4))
          : "rows of " + features[1] + " numbers") + ", the network's first layer is a "
          + first.getClass().getSimpleName();
    }
    if (!images && first instanceof FeedForwardLayer f && f.getNIn() != features[1]) {
      return "the tasks have " + features[1] + " inputs, the network takes " + f.getNIn();
    }
    // an embedding network (no output layer: protonet) takes any number of classes
    if (last instanceof BaseOutputLayer f && f.getNOut() != labels[labels.length - 1]) {
      return "the tasks have " + labels[labels.length - 1] + " outputs (targets or classes), the network gives "
          + f.getNOut();
    }
    return null;
  }
}
