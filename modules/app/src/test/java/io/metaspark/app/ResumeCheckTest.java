package io.metaspark.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which config changes a checkpoint may be resumed under. */
class ResumeCheckTest {
  @Test
  void aMamlRunFromBeforeExactHessianProductsResumesOnlyWithTheCentralDifference() {
    // what a checkpoint of the code before the exact product holds: no algorithm.hessian-product
    String before = "algorithm { name = maml, inner-lr = 0.01 }";
    assertEquals(List.of("algorithm.hessian-product (central-difference -> auto)"),
        ResumeCheck.differences(before, ConfigFactory.parseString(before + ", algorithm.hessian-product = auto")));
    assertEquals(List.of(), ResumeCheck.differences(before,
        ConfigFactory.parseString(before + ", algorithm.hessian-product = central-difference")));
  }

  @Test
  void theProductDoesNotMatterToAlgorithmsWithoutAHessian() {
    for (String algorithm : new String[] {"fomaml", "reptile"}) {
      String before = "algorithm { name = " + algorithm + " }";
      assertEquals(List.of(), ResumeCheck.differences(before,
          ConfigFactory.parseString(before + ", algorithm.hessian-product = auto")), algorithm);
    }
  }
}
