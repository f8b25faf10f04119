package io.metaspark.core.model;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Real DL4J networks small enough to check by hand or by finite differences, in double precision. */
public final class TinyNetworks {
  private TinyNetworks() {}

  /** y = w x + b with MSE: parameters [w, b] (DL4J orders a layer's weights before its bias). */
  public static ModelSpec linear() {
    return ModelSpec.of(new NeuralNetConfiguration.Builder()
        .seed(3)
        .dataType(DataType.DOUBLE)
        .weightInit(WeightInit.XAVIER)
        .list()
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
            .nIn(1).nOut(1).activation(Activation.IDENTITY).build())
        .build());
  }

  /** A smooth MLP (tanh), where central differences of second order are reliable. */
  public static ModelSpec tanhMlp(String sizes) {
    return MlpShorthand.parse(sizes).activation("tanh").dataType(DataType.DOUBLE).seed(11).toSpec();
  }

  /**
   * conv4 with batch normalization on 16x16 images, 3 filters, 3 ways, strided: 16 -> 8 -> 4 -> 2 -> 1,
   * so 4 x 3 running statistics of each kind and 3 features into the output layer.
   */
  public static ModelSpec batchNormConv4() {
    return Conv4.of(16, 3).filters(3).downsample("stride").dataType(DataType.DOUBLE).seed(5).toSpec();
  }
}
