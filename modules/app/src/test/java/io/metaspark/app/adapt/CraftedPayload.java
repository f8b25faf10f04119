package io.metaspark.app.adapt;

import java.io.Serializable;

/**
 * A class a crafted model zip names (in a preprocessor.bin or a configuration's {@code @class}):
 * reading a model must never load it. Nothing in the tests refers to it but by name.
 */
final class CraftedPayload implements Serializable {
  static final String NAME = "io.metaspark.app.adapt.CraftedPayload";
  static final String INITIALIZED = "metaspark.test.crafted-payload-initialized";

  static {
    System.setProperty(INITIALIZED, "true");
  }

  private CraftedPayload() {}
}
