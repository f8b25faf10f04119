package io.metaspark.core.algo;

import java.io.Serializable;

/**
 * One step of gradient-based adaptation, theta_{j+1} = theta_j - u_j(g_j), g_j the support loss's
 * gradient at theta_j, and that step's backward pass for second-order meta-gradients.
 *
 * <p>A rule may learn values of its own: they are meta-parameters, kept after the network's in the
 * meta-parameter vector ({@link Adaptation#initialMeta}), and handed to every call as
 * {@code learned}. That is how the rules of the literature fit without changing this interface:
 * <ul>
 *   <li>scalar SGD (MAML): u_j(g) = alpha g, alpha fixed, nothing learned ({@link ScalarSgd});
 *   <li>per-parameter rates (Meta-SGD): u_j(g) = a ⊙ g, {@code learned} = a, one rate per network
 *       parameter; backward: dL/da -= g_j ⊙ v, v <- v - H_j (a ⊙ v);
 *   <li>per-layer, per-step rates (MAML++'s LSLR): u_j(g) = a_{j,l(i)} g_i, {@code learned} = a,
 *       steps x layers values, the rule built knowing each parameter's layer; backward alike, summed
 *       over each layer's parameters.
 * </ul>
 * The meta-gradient with respect to the learned values is the rule's to add up (backward's
 * {@code learnedGradient}), and second-order MAML gives it to the outer optimizer with the network's.
 *
 * <p>A rule may also carry a memory from one step of an adaptation to the next (a gradient's running
 * averages: Adam's moments, the learned update network's inputs): {@link #memoryValues} of them,
 * zero at the first step, owned by the adaptation, so one rule serves any number of adaptations at
 * once. A rule with a memory is stepped and backpropagated through the overloads that take it; the
 * others ignore it.
 */
public interface UpdateRule extends Serializable {
  /** How many values it learns; 0 (the default) for a rule with fixed settings. */
  default int learnedValues() {
    return 0;
  }

  /** Writes the learned values' starting point into {@code learned} (of {@link #learnedValues} entries). */
  default void initLearned(double[] learned) {}

  /**
   * {@link #initLearned(double[])} for rules whose values start from the network's own (per-step
   * copies of some of its parameters): {@code networkParams} is the initialization they start from.
   */
  default void initLearned(double[] networkParams, double[] learned) {
    initLearned(learned);
  }

  /** How many values the rule carries from step to step of one adaptation, for a network of {@code networkParams}; 0 by default. */
  default int memoryValues(int networkParams) {
    return 0;
  }

  /**
   * {@link #step(int, double[], double[], double[])} for rules with a memory: {@code memory} holds
   * the memory before step {@code step} on entry and after it on return.
   */
  default void step(int step, double[] learned, double[] memory, double[] theta, double[] gradient) {
    step(step, learned, theta, gradient);
  }

  /**
   * {@link #backward(int, double[], double[], double[], double[], Curvature, double[])} for rules with
   * a memory: {@code memory} is the memory after step {@code step} (which includes g_j).
   */
  default void backward(int step, double[] learned, double[] memory, double[] theta, double[] gradient, double[] v,
      Curvature curvature, double[] learnedGradient) {
    backward(step, learned, theta, gradient, v, curvature, learnedGradient);
  }

  /** theta <- theta_{j+1}, in place, from theta_j and g_j = {@code gradient}, at step {@code step} (0-based). */
  void step(int step, double[] learned, double[] theta, double[] gradient);

  /**
   * The step's backward pass. On entry {@code v} is dL/dtheta_{j+1}; on return dL/dtheta_j =
   * (dtheta_{j+1}/dtheta_j)^T v, computed with {@code curvature} (the support loss's Hessian at
   * theta_j). Adds dL/dlearned through this step into {@code learnedGradient}.
   *
   * @param theta theta_j
   * @param gradient g_j, the support gradient the step took
   */
  void backward(int step, double[] learned, double[] theta, double[] gradient, double[] v, Curvature curvature,
      double[] learnedGradient);

  /** The kind of rule, as model.json names it ({@code inner_rule}). */
  String name();

  /**
   * The step size, as model.json's {@code inner_lr} and the evaluation report it: the one rate of
   * scalar SGD; for learned rates, the rate they start from.
   */
  double learningRate();

  /** For people: e.g. "at lr 0.01". */
  String describe();
}
