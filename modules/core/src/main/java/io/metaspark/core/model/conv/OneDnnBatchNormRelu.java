package io.metaspark.core.model.conv;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SCALE_SHIFT;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_MEAN;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SCALE_SHIFT;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_VARIANCE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WORKSPACE;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.batch_normalization_backward;
import org.bytedeco.dnnl.batch_normalization_forward;
import org.bytedeco.dnnl.global.dnnl.normalization_flags;
import org.bytedeco.dnnl.global.dnnl.prop_kind;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.stream;

/**
 * Batch normalization with the batch's own statistics, then ReLU, as one pair of oneDNN primitives
 * in float on the layout the convolution before it writes (training mode: the batch's mean and
 * biased variance per channel, gamma (x - mean) / sqrt(var + eps) + beta, then max(0, .), whose
 * derivative is 1 where its input is positive, else 0, as DL4J's).
 *
 * <p>The arithmetic is oneDNN's, in float and in its own order, where {@link BatchNormStage} and
 * {@link ReluStage} compute in double: results agree to float rounding, not bit for bit.
 *
 * <p>Not thread-safe: one per stage, one stage per thread.
 */
final class OneDnnBatchNormRelu {
  private static final int FLAGS = normalization_flags.use_scale_shift.value | normalization_flags.fuse_norm_relu.value;

  /** gamma's and beta's layout, [2, channels]: the scale-shift argument and its gradient. */
  final memory.desc scaleShiftLayout;
  private final stream stream;
  private final batch_normalization_forward forward;
  private final batch_normalization_backward backward;
  /** The batch's mean and variance, and which outputs the ReLU kept: the forward pass's, for the backward. */
  private final memory mean;
  private final memory variance;
  private final memory workspace;

  /**
   * @param data the activations' layout (the convolution's output), which the output and both
   *     gradients take too
   */
  OneDnnBatchNormRelu(memory.desc data, double eps, stream stream) {
    this.stream = stream;
    batch_normalization_forward.primitive_desc forwardDescription = new batch_normalization_forward.primitive_desc(
        new batch_normalization_forward.desc(prop_kind.forward_training.value, data, (float) eps, FLAGS),
        OneDnnConvolution.CPU);
    forward = new batch_normalization_forward(forwardDescription);
    scaleShiftLayout = forwardDescription.weights_desc();
    batch_normalization_backward.primitive_desc backwardDescription = new batch_normalization_backward.primitive_desc(
        new batch_normalization_backward.desc(prop_kind.backward.value, data, data, (float) eps, FLAGS),
        OneDnnConvolution.CPU, forwardDescription);
    backward = new batch_normalization_backward(backwardDescription);
    mean = new memory(forwardDescription.mean_desc(), OneDnnConvolution.CPU);
    variance = new memory(forwardDescription.variance_desc(), OneDnnConvolution.CPU);
    workspace = new memory(forwardDescription.workspace_desc(), OneDnnConvolution.CPU);
  }

  /** destination = relu(batch norm(source)); {@code scaleShift} is [2, channels]: gamma, then beta. */
  void forward(memory source, memory scaleShift, memory destination) {
    execute(forward, new IntMemoryMap()
        .put(DNNL_ARG_SRC, source)
        .put(DNNL_ARG_SCALE_SHIFT, scaleShift)
        .put(DNNL_ARG_DST, destination)
        .put(DNNL_ARG_MEAN, mean)
        .put(DNNL_ARG_VARIANCE, variance)
        .put(DNNL_ARG_WORKSPACE, workspace));
  }

  /**
   * After {@link #forward} on {@code source}: the input's gradient from the output's, and gamma's
   * and beta's gradients ([2, channels]) into {@code scaleShiftGradient}.
   */
  void backward(memory source, memory scaleShift, memory outputGradient, memory inputGradient,
      memory scaleShiftGradient) {
    execute(backward, new IntMemoryMap()
        .put(DNNL_ARG_SRC, source)
        .put(DNNL_ARG_MEAN, mean)
        .put(DNNL_ARG_VARIANCE, variance)
        .put(DNNL_ARG_DIFF_DST, outputGradient)
        .put(DNNL_ARG_SCALE_SHIFT, scaleShift)
        .put(DNNL_ARG_WORKSPACE, workspace)
        .put(DNNL_ARG_DIFF_SRC, inputGradient)
        .put(DNNL_ARG_DIFF_SCALE_SHIFT, scaleShiftGradient));
  }

  private void execute(primitive primitive, IntMemoryMap arguments) {
    try (arguments) {
      primitive.execute(stream, arguments);
    }
    stream._wait();
  }
}
