package io.metaspark.core.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.Subsampling3DLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationELU;
import org.nd4j.linalg.activations.impl.ActivationHardSigmoid;
import org.nd4j.linalg.activations.impl.ActivationHardTanH;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationPReLU;
import org.nd4j.linalg.activations.impl.ActivationRReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU6;
import org.nd4j.linalg.activations.impl.ActivationRectifiedTanh;
import org.nd4j.linalg.activations.impl.ActivationSELU;
import org.nd4j.linalg.activations.impl.ActivationThresholdedReLU;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossHinge;
import org.nd4j.linalg.lossfunctions.impl.LossL1;
import org.nd4j.linalg.lossfunctions.impl.LossMAE;
import org.nd4j.linalg.lossfunctions.impl.LossMAPE;

/**
 * The places where a network's gradient jumps: piecewise-linear activations (ReLU and its kin),
 * max pooling, and losses with a kink (L1, MAE, MAPE, hinge). A central difference of gradients
 * across one of them measures the jump, not the Hessian, which is why second-order MAML on such a
 * network needs an exact Hessian-vector product (see {@link Learner#exactHessian}).
 */
public final class GradientKinks {
  private static final Set<Class<?>> KINKED_ACTIVATIONS = Set.of(ActivationReLU.class, ActivationReLU6.class,
      ActivationLReLU.class, ActivationRReLU.class, ActivationPReLU.class, ActivationThresholdedReLU.class,
      ActivationHardTanH.class, ActivationHardSigmoid.class, ActivationRectifiedTanh.class, ActivationSELU.class);
  private static final Set<Class<?>> KINKED_LOSSES = Set.of(LossL1.class, LossMAE.class, LossMAPE.class,
      LossHinge.class);

  private GradientKinks() {}

  /** One line per layer with a kink ("layer 0 (DenseLayer): ReLU activation"); empty for a smooth network. */
  public static List<String> of(MultiLayerConfiguration conf) {
    List<String> kinks = new ArrayList<>();
    for (int l = 0; l < conf.getConfs().size(); l++) {
      Layer layer = conf.getConf(l).getLayer();
      String where = "layer " + l + " (" + layer.getClass().getSimpleName() + "): ";
      IActivation activation = layer instanceof ActivationLayer a ? a.getActivationFn()
          : layer instanceof BaseLayer b ? b.getActivationFn() : null;
      if (activation != null && isKinked(activation)) {
        kinks.add(where + activation + " activation");
      }
      if (isMaxPooling(layer)) {
        kinks.add(where + "max pooling");
      }
      ILossFunction loss = layer instanceof BaseOutputLayer o ? o.getLossFn()
          : layer instanceof LossLayer o ? o.getLossFn() : null;
      if (loss != null && KINKED_LOSSES.contains(loss.getClass())) {
        kinks.add(where + loss + " loss");
      }
    }
    return kinks;
  }

  private static boolean isKinked(IActivation activation) {
    // ELU's derivative is continuous only when alpha = 1
    return KINKED_ACTIVATIONS.contains(activation.getClass())
        || (activation instanceof ActivationELU elu && elu.getAlpha() != 1.0);
  }

  private static boolean isMaxPooling(Layer layer) {
    if (layer instanceof SubsamplingLayer pooling) {
      return pooling.getPoolingType() == PoolingType.MAX;
    }
    if (layer instanceof Subsampling3DLayer pooling) {
      return pooling.getPoolingType() == PoolingType.MAX;
    }
    return layer instanceof GlobalPoolingLayer pooling && pooling.getPoolingType() == PoolingType.MAX;
  }
}
