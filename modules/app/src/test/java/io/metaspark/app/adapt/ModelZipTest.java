package io.metaspark.app.adapt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.metaspark.app.cli.MetasparkCli;
import io.metaspark.app.testing.Console;
import io.metaspark.core.model.MlpShorthand;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Model zips come from wherever a user got them: evaluate and adapt read them without Java
 * deserialization (DL4J's ModelSerializer runs ObjectInputStream.readObject on a preprocessor.bin),
 * and a zip they cannot use is bad data, one line, exit code 3.
 */
class ModelZipTest {
  @TempDir
  Path dir;

  /** A real model directory as train exports it, with its zip's entries as they are. */
  private Map<String, byte[]> exported() throws IOException {
    MultiLayerNetwork net = new MultiLayerNetwork(MlpShorthand.parse("1-40-40-1").activation("relu")
        .dataType(DataType.DOUBLE).seed(1).build());
    net.init();
    ByteArrayOutputStream zip = new ByteArrayOutputStream();
    ModelSerializer.writeModel(net, zip, false);
    Map<String, byte[]> entries = new LinkedHashMap<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip.toByteArray()))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        entries.put(e.getName(), in.readAllBytes());
      }
    }
    return entries;
  }

  private Path modelDir(String name, Map<String, byte[]> entries) throws IOException {
    Path model = Files.createDirectories(dir.resolve(name));
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(model.resolve("model.zip")))) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        out.putNextEntry(new ZipEntry(e.getKey()));
        out.write(e.getValue());
        out.closeEntry();
      }
    }
    Files.writeString(model.resolve("model.json"), "{\"inner_steps\": 1, \"inner_lr\": 0.01}");
    return model;
  }

  /** A Java serialization stream of one object of class {@code name}, written by hand: the class is never touched. */
  private static byte[] serializedObjectNaming(String name) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeShort(0xACED); // STREAM_MAGIC
    out.writeShort(5); // STREAM_VERSION
    out.writeByte(0x73); // TC_OBJECT
    out.writeByte(0x72); // TC_CLASSDESC
    out.writeUTF(name);
    out.writeLong(1L); // serialVersionUID
    out.writeByte(0x02); // SC_SERIALIZABLE
    out.writeShort(0); // no fields
    out.writeByte(0x78); // TC_ENDBLOCKDATA
    out.writeByte(0x70); // TC_NULL: no superclass description
    out.flush();
    return bytes.toByteArray();
  }

  private int evaluate(Path model) {
    return MetasparkCli.run("evaluate", "--model", model.toString(), "--config", "../../conf/sinusoid.conf",
        "--set", "evaluate.tasks=10");
  }

  private int adapt(Path model) throws IOException {
    Path support = Files.writeString(dir.resolve("support.csv"), "0.5,1.0\n1.5,2.0\n");
    return MetasparkCli.run("adapt", "--model", model.toString(), "--support", support.toString(), "--output",
        dir.resolve("adapted").toString());
  }

  @Test
  void aZipWithAPreprocessorIsRefusedAndTheClassItNamesIsNeverLoaded() throws Exception {
    Map<String, byte[]> entries = exported();
    entries.put("preprocessor.bin", serializedObjectNaming(CraftedPayload.NAME));
    Path model = modelDir("crafted", entries);
    for (boolean evaluate : new boolean[] {true, false}) {
      String err = Console.err(() -> {
        try {
          assertEquals(3, evaluate ? evaluate(model) : adapt(model));
        } catch (IOException e) {
          throw new AssertionError(e);
        }
      });
      assertTrue(err.contains("preprocessor.bin") && err.contains("model.zip"), err);
      assertEquals(1, err.lines().count(), err);
    }
    assertNotLoaded();
    assertTrue(Files.notExists(dir.resolve("adapted/model.zip")), "nothing saved");
  }

  @Test
  void aConfigurationNamingAClassOutsideDl4jIsRefusedUnloaded() throws Exception {
    Map<String, byte[]> entries = exported();
    String json = new String(entries.get("configuration.json"), StandardCharsets.UTF_8);
    entries.put("configuration.json", json.replaceFirst("\"org\\.nd4j\\.linalg\\.activations\\.impl\\.ActivationReLU\"",
        "\"" + CraftedPayload.NAME + "\"").getBytes(StandardCharsets.UTF_8));
    String err = Console.err(() -> assertEquals(3, evaluate(modelDirUnchecked("named", entries))));
    assertTrue(err.contains(CraftedPayload.NAME) && err.contains("configuration.json"), err);
    assertNotLoaded();
  }

  /** Truncated, or entries missing, damaged or not matching: bad data in one line, never a stack trace. */
  @Test
  void aCorruptModelZipIsBadDataInOneLine() throws Exception {
    Map<String, byte[]> good = exported();
    Path whole = modelDir("whole", good);
    byte[] zip = Files.readAllBytes(whole.resolve("model.zip"));

    Map<String, Path> broken = new LinkedHashMap<>();
    Path cut = Files.createDirectories(dir.resolve("cut"));
    Files.write(cut.resolve("model.zip"), java.util.Arrays.copyOf(zip, zip.length / 2));
    Files.copy(whole.resolve("model.json"), cut.resolve("model.json"));
    broken.put("cut in half", cut);
    Map<String, byte[]> noCoefficients = new LinkedHashMap<>(good);
    noCoefficients.remove("coefficients.bin");
    broken.put("no coefficients", modelDir("no-coefficients", noCoefficients));
    Map<String, byte[]> shortCoefficients = new LinkedHashMap<>(good);
    byte[] c = good.get("coefficients.bin");
    shortCoefficients.put("coefficients.bin", java.util.Arrays.copyOf(c, c.length - 80));
    broken.put("coefficients cut short", modelDir("short", shortCoefficients));
    Map<String, byte[]> notJson = new LinkedHashMap<>(good);
    notJson.put("configuration.json", "{\"confs\": [".getBytes(StandardCharsets.UTF_8));
    broken.put("configuration not JSON", modelDir("not-json", notJson));
    Map<String, byte[]> otherNetwork = new LinkedHashMap<>(good);
    MultiLayerNetwork small = new MultiLayerNetwork(MlpShorthand.parse("1-4-1").dataType(DataType.DOUBLE).build());
    small.init();
    ByteArrayOutputStream smallZip = new ByteArrayOutputStream();
    ModelSerializer.writeModel(small, smallZip, false);
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(smallZip.toByteArray()))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        if (e.getName().equals("coefficients.bin")) {
          otherNetwork.put("coefficients.bin", in.readAllBytes());
        }
      }
    }
    broken.put("another network's coefficients", modelDir("other", otherNetwork));

    for (Map.Entry<String, Path> b : broken.entrySet()) {
      String err = Console.err(() -> assertEquals(3, evaluate(b.getValue()), b.getKey()));
      assertTrue(err.contains("model.zip") && err.lines().count() == 1, b.getKey() + ": " + err);
    }
  }

  private Path modelDirUnchecked(String name, Map<String, byte[]> entries) {
    try {
      return modelDir(name, entries);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static void assertNotLoaded() throws Exception {
    Method findLoaded = ClassLoader.class.getDeclaredMethod("findLoadedClass", String.class);
    findLoaded.setAccessible(true);
    for (ClassLoader loader : new ClassLoader[] {ClassLoader.getSystemClassLoader(),
        ModelZipTest.class.getClassLoader(), Thread.currentThread().getContextClassLoader()}) {
      assertNull(findLoaded.invoke(loader, CraftedPayload.NAME), "loaded by " + loader);
    }
    assertNull(System.getProperty(CraftedPayload.INITIALIZED), "initialized");
  }
}
