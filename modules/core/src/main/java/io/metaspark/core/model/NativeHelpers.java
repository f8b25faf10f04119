package io.metaspark.core.model;

import org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * DL4J's oneDNN layer helpers (convolution, pooling, batch norm through oneDNN instead of DL4J's
 * Java im2col + gemm): used when the nd4j-native build has oneDNN
 * ({@code -Dnd4j.classifier=linux-x86_64-onednn-avx2}, docs/PERFORMANCE.md "Native build").
 *
 * <p>DL4J 1.0.0-M2.1 keeps them off in two ways: the system property
 * {@value #DISABLE_PROPERTY} defaults to true, and its availability check looks for a class that
 * was renamed (answered by the shim {@code org.nd4j.nativeblas.Nd4jCpu}). {@link #enable()} sets
 * the property to false unless the user set it (so {@code -D}{@value #DISABLE_PROPERTY}{@code =true}
 * still turns them off). With a build without oneDNN nothing changes: the check answers false and
 * every layer keeps DL4J's own implementation.
 */
public final class NativeHelpers {
  /** DL4J's switch, read each time a layer is created. */
  public static final String DISABLE_PROPERTY = "org.eclipse.deeplearning4j.helpers.disable";

  private static volatile Boolean oneDnn;

  private NativeHelpers() {}

  /** Lets DL4J create its layer helpers for networks built after this call (unless the user said no). */
  public static void enable() {
    if (System.getProperty(DISABLE_PROPERTY) == null) {
      System.setProperty(DISABLE_PROPERTY, "false");
    }
  }

  /** True when the loaded libnd4j was built with oneDNN and ND4J's environment allows it. */
  public static boolean oneDnnAvailable() {
    Boolean known = oneDnn;
    if (known == null) {
      Nd4j.getExecutioner(); // loads the backend: NativeOpsHolder alone fails before that
      String info = NativeOpsHolder.getInstance().getDeviceNativeOps().buildInfo();
      known = info != null && info.contains("HAVE_ONEDNN");
      oneDnn = known;
    }
    return known && Nd4jCpu.Environment.getInstance().isUseONEDNN();
  }
}
