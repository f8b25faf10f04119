package io.metaspark.core.model;

import java.util.List;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;

/**
 * What the fast learners ask of a DL4J layer before computing it themselves: that it is the plain
 * function of its parameters, nothing DL4J adds around it during training.
 */
public final class PlainLayers {
  private PlainLayers() {}

  /** No dropout, weight noise, constraints, regularization or gradient normalization. */
  public static boolean changesNothingButParameters(BaseLayer layer) {
    return layer.getIDropout() == null
        && layer.getWeightNoise() == null
        && isEmpty(layer.getConstraints())
        && isEmpty(layer.getRegularization())
        && isEmpty(layer.getRegularizationBias())
        // applied by DL4J's updater, outside the gradient; refused all the same rather than argued
        && (layer.getGradientNormalization() == null || layer.getGradientNormalization() == GradientNormalization.None);
  }

  /** max(0, x) itself: a cap, a threshold or a negative slope makes another function. */
  public static boolean isPlainRelu(IActivation activation) {
    if (activation == null || activation.getClass() != ActivationReLU.class) {
      return false;
    }
    ActivationReLU relu = (ActivationReLU) activation;
    return relu.getMax() == null && relu.getThreshold() == null && relu.getNegativeSlope() == null;
  }

  private static boolean isEmpty(List<?> list) {
    return list == null || list.isEmpty();
  }
}
