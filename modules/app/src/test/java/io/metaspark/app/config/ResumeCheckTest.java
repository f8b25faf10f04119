package io.metaspark.app.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import io.metaspark.app.builtin.BuiltIns;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which config changes a checkpoint may be resumed under. */
class ResumeCheckTest {
  private static final Schema SCHEMA = new Schema(BuiltIns.registries());

  private static List<String> differences(String saved, String current) {
    return ResumeCheck.differences(saved, ConfigFactory.parseString(current), SCHEMA, null, true);
  }

  @Test
  void aMamlRunFromBeforeExactHessianProductsResumesOnlyWithTheCentralDifference() {
    // what a checkpoint of the code before the exact product holds: no algorithm.hessian-product
    String before = "algorithm { name = maml, inner-lr = 0.01 }";
    assertEquals(List.of("algorithm.hessian-product (central-difference -> auto)"),
        differences(before, before + ", algorithm.hessian-product = auto"));
    assertEquals(List.of(), differences(before, before + ", algorithm.hessian-product = central-difference"));
  }

  @Test
  void theProductDoesNotMatterToAlgorithmsWithoutAHessian() {
    for (String algorithm : new String[] {"fomaml", "reptile"}) {
      String before = "algorithm { name = " + algorithm + " }";
      assertEquals(List.of(), differences(before, before + ", algorithm.hessian-product = auto"), algorithm);
    }
  }

  /** The rule behind the Hessian product's: an entry's keys compute nothing where it is not selected. */
  @Test
  void keysOfAnEntryNeitherConfigSelectsMayChange() {
    String sinusoid = "tasks { family = sinusoid, images.ways = 5 }, outer { optimizer = sgd, adam.beta1 = 0.9 }";
    assertEquals(List.of(), differences(sinusoid, sinusoid.replace("ways = 5", "ways = 20").replace("0.9", "0.5")));
    String images = "tasks { family = images, images.ways = 5 }";
    assertEquals(List.of("tasks.images.ways (5.0 -> 20.0)"), differences(images, images.replace("5", "20")));
  }

  @Test
  void keysDeclaredChangeableMayChangeAndTheOthersMayNot() {
    String saved = "train { iterations = 100, meta-batch = 25 }, spark.conf { \"spark.ui.enabled\" = true }";
    assertEquals(List.of(), differences(saved, saved.replace("100", "500").replace("true", "false")));
    assertEquals(List.of("train.meta-batch (25.0 -> 5.0)"), differences(saved, saved.replace("25", "5")));
  }
}
