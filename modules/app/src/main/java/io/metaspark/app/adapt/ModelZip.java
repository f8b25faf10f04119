package io.metaspark.app.adapt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.metaspark.app.config.DataError;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.common.primitives.Triple;
import org.nd4j.linalg.api.buffer.BaseDataBuffer;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads a DL4J model zip (ModelSerializer's layout) as data, never as code. DL4J's own
 * {@code ModelSerializer.restoreMultiLayerNetwork} runs {@code ObjectInputStream.readObject} on a
 * {@code preprocessor.bin} entry when a zip has one, which loads whatever class the file names.
 * Here only {@code configuration.json} (JSON) and {@code coefficients.bin} (ND4J's plain binary
 * array format: a header, then the values, read with DataInputStream) are read, and a zip holding
 * anything else but an ignored {@code updaterState.bin} is refused: a normalizer or preprocessor
 * that metaspark would silently not apply is as wrong as one it would deserialize. The
 * configuration may name classes only in DL4J's and ND4J's packages (checked on the JSON before
 * Jackson resolves any name), and the coefficients must be as many as the configuration's
 * parameters (checked on their header before ND4J allocates them). Anything wrong is a
 * {@link DataError} naming the zip.
 */
final class ModelZip {
  static final String CONFIGURATION = "configuration.json";
  static final String COEFFICIENTS = "coefficients.bin";
  /** DL4J's optimizer state, saved with saveUpdater = true: meaningless for adaptation, never read. */
  static final String UPDATER = "updaterState.bin";
  private static final long MAX_CONFIGURATION_BYTES = 16L << 20;
  private static final List<String> TRUSTED_PACKAGES = List.of("org.deeplearning4j.", "org.nd4j.");
  /** ND4J's shape information: 2 x rank + 4 longs, rank at most 32. */
  private static final long MAX_SHAPE_LENGTH = 2 * 32 + 4;
  private static final ObjectMapper JSON = new ObjectMapper();

  private ModelZip() {}

  /** The network in {@code zip}, with its parameters; {@code name} says which zip in messages. */
  static MultiLayerNetwork read(InputStream zip, String name) throws IOException {
    byte[] configuration = null;
    byte[] coefficients = null;
    try (ZipInputStream in = new ZipInputStream(zip)) {
      for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
        switch (entry.getName()) {
          case CONFIGURATION -> configuration = once(configuration, readAtMost(in, MAX_CONFIGURATION_BYTES, name, entry),
              name, entry);
          case COEFFICIENTS -> {
            MultiLayerConfiguration conf = configuration(configuration, name);
            coefficients = once(coefficients, readAtMost(in, maxCoefficientBytes(conf), name, entry), name, entry);
          }
          case UPDATER -> in.transferTo(OutputStreamNowhere.INSTANCE);
          default -> throw new DataError(name + " holds '" + entry.getName() + "', which metaspark does not read (DL4J"
              + " would Java-deserialize or apply it): a model zip may hold only " + CONFIGURATION + ", " + COEFFICIENTS
              + " and " + UPDATER);
        }
      }
    } catch (ZipException | EOFException e) {
      throw new DataError(name + " is truncated or corrupt: " + (e.getMessage() == null ? e : e.getMessage()));
    }
    if (configuration == null || coefficients == null) {
      throw new DataError(name + " is not a whole model: it has no " + (configuration == null ? CONFIGURATION
          : COEFFICIENTS) + " (truncated, or not a DL4J model zip)");
    }
    MultiLayerConfiguration conf = configuration(configuration, name);
    long expected = numParams(conf);
    checkCoefficients(coefficients, expected, name);
    try {
      INDArray params = Nd4j.read(new ByteArrayInputStream(coefficients));
      MultiLayerNetwork net = new MultiLayerNetwork(conf);
      net.init(params.reshape(1, params.length()), false);
      return net;
    } catch (RuntimeException e) {
      throw new DataError(name + ": " + COEFFICIENTS + " does not fit " + CONFIGURATION + ": " + e.getMessage());
    }
  }

  /**
   * The configuration entry, which DL4J's zips write first: checked for foreign class names, then
   * parsed. The coefficients need it to know their size.
   */
  private static MultiLayerConfiguration configuration(byte[] json, String name) {
    if (json == null) {
      throw new DataError(name + ": " + COEFFICIENTS + " comes before " + CONFIGURATION
          + " (not a zip DL4J wrote, or one rewritten)");
    }
    String text = new String(json, StandardCharsets.UTF_8);
    JsonNode tree;
    try {
      tree = JSON.readTree(text);
    } catch (IOException e) {
      throw new DataError(name + ": " + CONFIGURATION + " is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
    }
    String foreign = foreignClass(tree);
    if (foreign != null) {
      throw new DataError(name + ": " + CONFIGURATION + " names the class " + foreign
          + ", outside DL4J and ND4J: refused unloaded");
    }
    try {
      return MultiLayerConfiguration.fromJson(text);
    } catch (RuntimeException e) {
      throw new DataError(name + ": " + CONFIGURATION + " is not a DL4J MultiLayerConfiguration: " + e.getMessage());
    }
  }

  /** The first class named by a Jackson type tag ({@code "@class"}) outside the trusted packages, or null. */
  private static String foreignClass(JsonNode node) {
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        if (field.getKey().equals("@class")
            && TRUSTED_PACKAGES.stream().noneMatch(p -> field.getValue().asText().startsWith(p))) {
          return field.getValue().asText();
        }
        String inside = foreignClass(field.getValue());
        if (inside != null) {
          return inside;
        }
      }
    } else if (node.isArray()) {
      for (JsonNode element : node) {
        String inside = foreignClass(element);
        if (inside != null) {
          return inside;
        }
      }
    }
    return null;
  }

  private static long numParams(MultiLayerConfiguration conf) {
    long n = 0;
    for (NeuralNetConfiguration layer : conf.getConfs()) {
      n += layer.getLayer().initializer().numParams(layer);
    }
    return n;
  }

  /** The values at 8 bytes each (double, the widest), plus room for the headers and shape. */
  private static long maxCoefficientBytes(MultiLayerConfiguration conf) {
    return numParams(conf) * Double.BYTES + 4096;
  }

  /**
   * ND4J's array format: a header and the shape information, then a header and the values.
   * The headers declare the lengths ND4J allocates before reading: they must fit the network.
   */
  private static void checkCoefficients(byte[] bytes, long expected, String name) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
      Triple<DataBuffer.AllocationMode, Long, DataType> shape = BaseDataBuffer.readHeader(in);
      if (shape.getMiddle() < 0 || shape.getMiddle() > MAX_SHAPE_LENGTH) {
        throw new DataError(name + ": " + COEFFICIENTS + " declares a shape of " + shape.getMiddle() + " values");
      }
      in.skipNBytes(shape.getMiddle() * shape.getRight().width());
      Triple<DataBuffer.AllocationMode, Long, DataType> values = BaseDataBuffer.readHeader(in);
      if (values.getMiddle() != expected) {
        throw new DataError(name + ": " + COEFFICIENTS + " holds " + values.getMiddle() + " parameters, but "
            + CONFIGURATION + " has " + expected);
      }
      if (!values.getRight().isFPType() || (long) in.available() < expected * values.getRight().width()) {
        throw new DataError(name + ": " + COEFFICIENTS + " is cut short or not " + expected
            + " floating-point parameters");
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof DataError d) {
        throw d;
      }
      throw new DataError(name + ": " + COEFFICIENTS + " is not an ND4J array: " + e);
    }
  }

  private static byte[] readAtMost(InputStream in, long limit, String name, ZipEntry entry) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[1 << 16];
    for (int n; (n = in.read(buffer)) > 0; ) {
      out.write(buffer, 0, n);
      if (out.size() > limit) {
        throw new DataError(name + ": " + entry.getName() + " is larger than its network can need (" + limit
            + " bytes)");
      }
    }
    return out.toByteArray();
  }

  private static byte[] once(byte[] before, byte[] now, String name, ZipEntry entry) {
    if (before != null) {
      throw new DataError(name + " holds " + entry.getName() + " twice");
    }
    return now;
  }

  /** Where the ignored updater state's bytes go: read past, kept nowhere. */
  private static final class OutputStreamNowhere extends java.io.OutputStream {
    static final OutputStreamNowhere INSTANCE = new OutputStreamNowhere();

    @Override
    public void write(int b) {}

    @Override
    public void write(byte[] b, int off, int len) {}
  }
}
