package io.metaspark.core.model.conv;

/** Which code runs a {@link ConvLearner}'s convolutions; each has its own float rounding. */
public enum ConvolutionRoute {
  /**
   * libnd4j's {@code conv2d} ops (DL4J's), a grey image's first convolution in Java
   * ({@link FirstConvolutionStage}), where that op is slow.
   */
  LIBND4J_JAVA_FIRST,
  /** libnd4j's ops for every convolution: the arithmetic of runs made before the Java first layer. */
  LIBND4J,
  /**
   * oneDNN's primitives, built once per batch shape, for every convolution of a float network
   * ({@link OneDnnConvolutionStage}); a double network, which oneDNN does not compute, keeps
   * {@link #LIBND4J_JAVA_FIRST}.
   */
  ONEDNN,
  /**
   * A float network whose body is [convolution, batch norm, ReLU] blocks (conv4 with strides) run by
   * oneDNN alone, in float on its own layouts ({@link OneDnnFloatBody}): batch norm's arithmetic
   * changes (float, oneDNN's order) and there is no exact Hessian-vector product. Other float
   * networks take {@link #ONEDNN}, double ones {@link #LIBND4J_JAVA_FIRST}.
   */
  ONEDNN_FLOAT
}
