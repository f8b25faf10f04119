package io.metaspark.core.model.conv;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_equal;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.convolution_backward_data;
import org.bytedeco.dnnl.convolution_backward_weights;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.global.dnnl.algorithm;
import org.bytedeco.dnnl.global.dnnl.prop_kind;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.FloatPointer;

/**
 * One convolution's three oneDNN primitives (forward, the input's gradient, the weights' and bias's
 * gradient) for one batch shape, created once and run many times, with plain float layouts at their
 * edges: NCHW activations (or, for {@link OneDnnFloatBody}, the layouts its neighbours work in),
 * weights [out, in, kh, kw] as DL4J keeps them. Inside, each primitive works in the blocked layouts
 * it chose; the conversions to and from them are reorders built once, none where the layouts agree.
 *
 * <p>libnd4j's {@code conv2d} ops, which {@link ConvolutionStage} calls, build all of this on every
 * call, and its {@code conv2d_bp} adds conversions to channels-last: on conv4's layers the
 * conversions alone were about a quarter of a first-order task.
 *
 * <p>Each call's argument map is freed when the call returns, not left to the garbage collector:
 * a training run makes tens of millions of them.
 *
 * <p>Not thread-safe: one per stage, one stage per thread.
 */
final class OneDnnConvolution {
  /** The CPU engine primitives are made for; oneDNN's engines may be shared across threads. */
  static final engine CPU = new engine(engine.kind.cpu, 0);

  final memory.desc sourceLayout;
  final memory.desc weightsLayout;
  final memory.desc biasLayout;
  final memory.desc destinationLayout;
  private final stream stream = new stream(CPU);
  private final convolution_forward forward;
  private final Converted forwardSource;
  private final Converted forwardWeights;
  private final Converted forwardDestination;
  private final convolution_backward_weights backwardWeights;
  private final Converted backwardWeightsSource;
  private final Converted backwardWeightsDestinationGradient;
  private final Converted weightsGradient;
  /** Made on the first input gradient: the network's first convolution never needs one. */
  private BackwardData backwardData;
  private final convolution_forward.primitive_desc forwardDescription;
  private final long[] sourceDims;
  private final long[] weightsDims;
  private final long[] destinationDims;
  private final long[] strides;
  private final long[] leadingPadding;
  private final long[] trailingPadding;

  /**
   * With plain NCHW activations on both sides.
   *
   * @param n the batch size
   * @param in, out the input's and output's (channels, height, width)
   */
  OneDnnConvolution(int n, int[] in, int[] out, Window window) {
    this(n, in, out, window, null, false);
  }

  /**
   * @param source the layout the caller hands the input (and takes its gradient) in; null for plain NCHW
   * @param chosenDestination whether the caller takes the output (and hands its gradient) in the
   *     layout the forward primitive chose ({@link #destinationLayout}) rather than plain NCHW: a
   *     float pipeline on oneDNN's own layouts, with no reorder between its primitives
   */
  OneDnnConvolution(int n, int[] in, int[] out, Window window, memory.desc source, boolean chosenDestination) {
    sourceDims = new long[] {n, in[0], in[1], in[2]};
    destinationDims = new long[] {n, out[0], out[1], out[2]};
    weightsDims = new long[] {out[0], in[0], window.kernel()[0], window.kernel()[1]};
    sourceLayout = source != null ? source : plain(sourceDims, memory.format_tag.nchw);
    weightsLayout = plain(weightsDims, memory.format_tag.oihw);
    biasLayout = plain(new long[] {out[0]}, memory.format_tag.x);
    int[] leading = window.leadingPadding(in, out);
    strides = new long[] {window.stride()[0], window.stride()[1]};
    leadingPadding = new long[] {leading[0], leading[1]};
    // what the window covers past the input's far edge, as DL4J's output sizes imply
    trailingPadding = new long[] {
        Math.max(0, (long) (out[1] - 1) * window.stride()[0] + window.kernel()[0] - in[1] - leading[0]),
        Math.max(0, (long) (out[2] - 1) * window.stride()[1] + window.kernel()[1] - in[2] - leading[1])};
    memory.desc anySource = chosen(sourceDims);
    memory.desc anyWeights = chosen(weightsDims);
    memory.desc anyDestination = chosen(destinationDims);
    forwardDescription = new convolution_forward.primitive_desc(new convolution_forward.desc(
        prop_kind.forward_training, algorithm.convolution_direct, anySource, anyWeights, biasLayout, anyDestination,
        strides, leadingPadding, trailingPadding), CPU);
    forward = new convolution_forward(forwardDescription);
    destinationLayout = chosenDestination ? forwardDescription.dst_desc() : plain(destinationDims, memory.format_tag.nchw);
    forwardSource = new Converted(sourceLayout, forwardDescription.src_desc());
    forwardWeights = new Converted(weightsLayout, forwardDescription.weights_desc());
    forwardDestination = new Converted(destinationLayout, forwardDescription.dst_desc());
    convolution_backward_weights.primitive_desc weightsDescription = new convolution_backward_weights.primitive_desc(
        new convolution_backward_weights.desc(algorithm.convolution_direct, anySource, anyWeights, biasLayout,
            anyDestination, strides, leadingPadding, trailingPadding), CPU, forwardDescription);
    backwardWeights = new convolution_backward_weights(weightsDescription);
    backwardWeightsSource = equal(weightsDescription.src_desc(), forwardDescription.src_desc()) ? forwardSource
        : new Converted(sourceLayout, weightsDescription.src_desc());
    backwardWeightsDestinationGradient = new Converted(destinationLayout, weightsDescription.diff_dst_desc());
    weightsGradient = new Converted(weightsLayout, weightsDescription.diff_weights_desc());
  }

  /** A plain float buffer of {@code layout}'s size, for the caller's side of a primitive. */
  static Buffer buffer(memory.desc layout) {
    FloatPointer data = new FloatPointer(layout.get_size() / Float.BYTES);
    return new Buffer(new memory(layout, CPU, data), data);
  }

  /** A plain memory and the floats it holds, for Java to write and read. */
  record Buffer(memory memory, FloatPointer floats) {}

  /** A plain memory of {@code layout} over {@code data}, which the caller keeps alive (and may repoint). */
  static memory over(memory.desc layout, FloatPointer data) {
    return new memory(layout, CPU, data);
  }

  /** destination = conv(source, weights) + bias, all plain. */
  void forward(memory source, memory weights, memory bias, memory destination) {
    memory convertedSource = forwardSource.from(source, stream);
    // a forward pass is where a caller rewrites a source: another conversion of it may be stale
    if (backwardWeightsSource != forwardSource) {
      backwardWeightsSource.forget();
    }
    memory result = forwardDestination.target(destination);
    execute(forward, new IntMemoryMap()
        .put(DNNL_ARG_SRC, convertedSource)
        .put(DNNL_ARG_WEIGHTS, forwardWeights.from(weights, stream))
        .put(DNNL_ARG_BIAS, bias)
        .put(DNNL_ARG_DST, result));
    forwardDestination.into(destination, stream);
    stream._wait();
  }

  /**
   * The weights' and bias's gradients for {@code source} and the output's gradient. When the forward
   * primitive's layout of the source is this one's, and {@code source} is what was converted into it
   * last, with contents unchanged since (the caller's promise), that conversion is reused.
   */
  void backwardWeights(memory source, memory outputGradient, memory weightGradient, memory biasGradient) {
    memory convertedSource = backwardWeightsSource.fromKept(source, stream);
    memory result = weightsGradient.target(weightGradient);
    execute(backwardWeights, new IntMemoryMap()
        .put(DNNL_ARG_SRC, convertedSource)
        .put(DNNL_ARG_DIFF_DST, backwardWeightsDestinationGradient.from(outputGradient, stream))
        .put(DNNL_ARG_DIFF_WEIGHTS, result)
        .put(DNNL_ARG_DIFF_BIAS, biasGradient));
    weightsGradient.into(weightGradient, stream);
    stream._wait();
  }

  /** The input's gradient for the output's gradient and {@code weights}. */
  void backwardData(memory outputGradient, memory weights, memory inputGradient) {
    if (backwardData == null) {
      backwardData = new BackwardData();
    }
    backwardData.run(outputGradient, weights, inputGradient);
  }

  private final class BackwardData {
    private final convolution_backward_data primitive;
    private final Converted outputGradient;
    private final Converted weights;
    private final Converted inputGradient;

    BackwardData() {
      convolution_backward_data.primitive_desc description = new convolution_backward_data.primitive_desc(
          new convolution_backward_data.desc(algorithm.convolution_direct, chosen(sourceDims), chosen(weightsDims),
              chosen(destinationDims), strides, leadingPadding, trailingPadding), CPU, forwardDescription);
      primitive = new convolution_backward_data(description);
      outputGradient = new Converted(destinationLayout, description.diff_dst_desc());
      weights = new Converted(weightsLayout, description.weights_desc());
      inputGradient = new Converted(sourceLayout, description.diff_src_desc());
    }

    void run(memory plainOutputGradient, memory plainWeights, memory plainInputGradient) {
      memory result = inputGradient.target(plainInputGradient);
      execute(primitive, new IntMemoryMap()
          .put(DNNL_ARG_DIFF_DST, outputGradient.from(plainOutputGradient, stream))
          .put(DNNL_ARG_WEIGHTS, weights.from(plainWeights, stream))
          .put(DNNL_ARG_DIFF_SRC, result));
      inputGradient.into(plainInputGradient, stream);
      stream._wait();
    }
  }

  /** Runs {@code primitive} on this stream and frees its argument map at once. */
  private void execute(primitive primitive, IntMemoryMap arguments) {
    try (arguments) {
      primitive.execute(stream, arguments);
    }
  }

  /**
   * An argument in a primitive's own layout beside the plain one, with the reorders between them;
   * none when the primitive chose the plain layout, and the plain memory is used as it is.
   */
  private static final class Converted {
    private final memory internal;
    private final reorder toInternal;
    private final reorder toPlain;
    /** The plain memory {@link #internal} was last converted from. */
    private memory convertedFrom;

    Converted(memory.desc plain, memory.desc chosen) {
      if (equal(plain, chosen)) {
        internal = null;
        toInternal = null;
        toPlain = null;
      } else {
        internal = new memory(chosen, CPU);
        memory plainMemory = new memory(plain, CPU);
        toInternal = new reorder(plainMemory, internal);
        toPlain = new reorder(internal, plainMemory);
      }
    }

    /** The primitive's input: {@code plain} converted (or itself). */
    memory from(memory plain, stream stream) {
      if (internal == null) {
        return plain;
      }
      toInternal.execute(stream, plain, internal);
      convertedFrom = plain;
      return internal;
    }

    void forget() {
      convertedFrom = null;
    }

    /** As {@link #from}, but no conversion when {@code plain} is what was converted last. */
    memory fromKept(memory plain, stream stream) {
      return internal != null && plain == convertedFrom ? internal : from(plain, stream);
    }

    /** Where the primitive writes an output that ends in {@code plain}. */
    memory target(memory plain) {
      return internal == null ? plain : internal;
    }

    /** After the primitive ran: its output converted into {@code plain}. */
    void into(memory plain, stream stream) {
      if (internal != null) {
        toPlain.execute(stream, internal, plain);
      }
    }
  }

  private static memory.desc plain(long[] dims, memory.format_tag tag) {
    return new memory.desc(dims, memory.data_type.f32, tag);
  }

  /** "Any" layout of the same dimensions: the primitive picks. */
  private static memory.desc chosen(long[] dims) {
    return new memory.desc(dims, memory.data_type.f32, memory.format_tag.any);
  }

  private static boolean equal(memory.desc a, memory.desc b) {
    return dnnl_memory_desc_equal(a.data(), b.data()) != 0;
  }
}
