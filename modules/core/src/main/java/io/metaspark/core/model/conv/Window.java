package io.metaspark.core.model.conv;

/**
 * A convolution's or pooling's window as DL4J configures it: kernel, stride, explicit padding, or
 * "same" mode, where libnd4j computes the padding itself. Dilation is always 1 here.
 */
record Window(int[] kernel, int[] stride, int[] padding, boolean same) {
  /** DL4J's output sizes: ceil(in / stride) with "same" padding, else the padded, truncated count. */
  int[] outputShape(int channels, int[] in) {
    return new int[] {channels, outputSize(in[1], 0), outputSize(in[2], 1)};
  }

  private int outputSize(int size, int axis) {
    if (same) {
      return (size + stride[axis] - 1) / stride[axis];
    }
    return (size + 2 * padding[axis] - kernel[axis]) / stride[axis] + 1;
  }

  /**
   * The padding before the first row and column: the explicit one, or in "same" mode libnd4j's,
   * half the total (rounded down; the extra row or column goes after).
   */
  int[] leadingPadding(int[] in, int[] out) {
    if (!same) {
      return padding;
    }
    return new int[] {Math.max(0, ((out[1] - 1) * stride[0] + kernel[0] - in[1]) / 2),
        Math.max(0, ((out[2] - 1) * stride[1] + kernel[1] - in[2]) / 2)};
  }

  /**
   * The integer arguments libnd4j's conv2d and maxpool2d ops share (kernel, stride, padding,
   * dilation, same mode), then the op's own {@code last} two (for conv2d: NCHW and the weights'
   * layout; for maxpool2d: an unused parameter and NCHW).
   */
  int[] arguments(int secondToLast, int last) {
    return new int[] {kernel[0], kernel[1], stride[0], stride[1], padding[0], padding[1], 1, 1, same ? 1 : 0,
        secondToLast, last};
  }
}
