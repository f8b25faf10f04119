package org.nd4j.nativeblas;

import io.metaspark.core.model.NativeHelpers;

/**
 * Compatibility shim, not ND4J's class. DL4J 1.0.0-M2.1's {@code BaseMKLDNNHelper.mklDnnEnabled()}
 * looks up {@code org.nd4j.nativeblas.Nd4jCpu$Environment.isUseMKLDNN()} by reflection, the name
 * these bindings had before M1; M2.1 ships them as
 * {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu} with {@code isUseONEDNN()}. The lookup
 * fails, DL4J records the failure and never uses its oneDNN layer helpers, even with an
 * nd4j-native build that contains oneDNN. This class answers that lookup truthfully: true only
 * when the loaded native build has oneDNN (see {@link NativeHelpers}).
 */
public final class Nd4jCpu {
  private Nd4jCpu() {}

  /** What {@code BaseMKLDNNHelper} calls: {@code getInstance().isUseMKLDNN()}. */
  public static final class Environment {
    private static final Environment INSTANCE = new Environment();

    private Environment() {}

    public static Environment getInstance() {
      return INSTANCE;
    }

    public boolean isUseMKLDNN() {
      return NativeHelpers.oneDnnAvailable();
    }
  }
}
