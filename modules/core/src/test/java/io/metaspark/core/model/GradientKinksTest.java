package io.metaspark.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Which layers make a network's gradient jump. */
class GradientKinksTest {
  @Test
  void reluAndMaxPoolingAreKinksAndSmoothNetworksHaveNone() {
    List<String> pool = GradientKinks.of(Conv4.of(16, 3).filters(2).downsample("pool").build());
    assertEquals(8, pool.size(), pool.toString());
    assertTrue(pool.get(0).startsWith("layer 2 (ActivationLayer): relu"), pool.toString());
    assertTrue(pool.get(1).startsWith("layer 3 (SubsamplingLayer): max pooling"), pool.toString());
    assertEquals(List.of(), GradientKinks.of(TinyNetworks.tanhMlp("1-8-8-1").configuration()));
  }

  @Test
  void anL1LossAndLeakyReluAreKinksToo() {
    List<String> kinks = GradientKinks.of(new NeuralNetConfiguration.Builder().list()
        .layer(new DenseLayer.Builder().nIn(2).nOut(4).activation(Activation.LEAKYRELU).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.L1).nIn(4).nOut(1).activation(Activation.IDENTITY)
            .build())
        .build());
    assertEquals(2, kinks.size(), kinks.toString());
    assertTrue(kinks.get(0).contains("layer 0") && kinks.get(1).contains("layer 1") && kinks.get(1).contains("loss"),
        kinks.toString());
  }
}
