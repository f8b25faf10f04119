package io.metaspark.core.model;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * The "loss" sum(G * outputs), G given as the labels: its gradient with respect to the parameters is
 * the vector-Jacobian product of the outputs with G. DL4J backpropagates only from an output layer's
 * loss (its network refuses an external output gradient when the last layer is an output layer), so
 * {@link Dl4jLearner} puts this loss in a copy of the network and lets DL4J's own backward pass do the
 * rest, through every layer it has.
 */
final class OutputGradientLoss implements ILossFunction {
  @Override
  public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
    refuseMask(mask);
    return activationFn.backprop(preOutput.dup(), labels.castTo(preOutput.dataType()).dup()).getFirst();
  }

  /** Per example, sum_k G_k outputs_k: [n, 1]. */
  @Override
  public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
    refuseMask(mask);
    INDArray outputs = activationFn.getActivation(preOutput.dup(), true);
    return outputs.muli(labels.castTo(outputs.dataType())).sum(true, 1);
  }

  @Override
  public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
      boolean average) {
    double sum = computeScoreArray(labels, preOutput, activationFn, mask).sumNumber().doubleValue();
    return average ? sum / preOutput.size(0) : sum;
  }

  @Override
  public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation activationFn,
      INDArray mask, boolean average) {
    return Pair.of(computeScore(labels, preOutput, activationFn, mask, average),
        computeGradient(labels, preOutput, activationFn, mask));
  }

  @Override
  public String name() {
    return "OutputGradientLoss";
  }

  /** Nothing here sets a mask; a network that brings its own (a recurrent one) is not one this handles. */
  private static void refuseMask(INDArray mask) {
    if (mask != null) {
      throw new UnsupportedOperationException("an output gradient through a masked output layer");
    }
  }
}
