package io.metaspark.app;

import com.typesafe.config.Config;
import io.metaspark.core.model.ForwardFlops;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;

/**
 * FLOPs of one meta-iteration's gradient work: tasks x the examples each task's algorithm takes a
 * gradient on ({@link io.metaspark.core.algo.MetaAlgorithm#gradientExamples}) x a gradient's FLOPs
 * per example ({@link ForwardFlops}, backward = 2 forwards). Without measuring losses: the bench
 * measures none.
 */
final class GradientFlops {
  private GradientFlops() {}

  static long perIteration(JobConfig job) {
    Config raw = job.raw();
    MultiLayerConfiguration conf = job.modelSpec().configuration();
    boolean images = raw.getString("tasks.family").equals("images");
    int perClass = images ? raw.getInt("tasks.images.ways") : 1;
    InputType input = images
        ? InputType.convolutional(raw.getInt("tasks.images.size"), raw.getInt("tasks.images.size"), 1)
        : InputType.feedForward(((FeedForwardLayer) conf.getConf(0).getLayer()).getNIn());
    long examples = job.algorithm().gradientExamples(perClass * raw.getInt("tasks.support"),
        perClass * raw.getInt("tasks.query"));
    return job.metaBatch() * examples * ForwardFlops.GRADIENT_FACTOR * ForwardFlops.perExample(conf, input);
  }
}
