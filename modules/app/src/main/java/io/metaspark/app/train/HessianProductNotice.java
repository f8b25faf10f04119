package io.metaspark.app.train;

import io.metaspark.core.algo.HessianVectorProduct;
import io.metaspark.core.algo.Maml;
import io.metaspark.core.algo.MamlPlusPlus;
import io.metaspark.core.model.GradientKinks;
import io.metaspark.core.model.Learner;
import io.metaspark.spark.TaskRunner;
import java.io.PrintStream;
import java.util.List;
import java.util.Optional;

/**
 * How second-order MAML multiplies by the Hessian for this job's network, which {@code train} says
 * before it starts and model.json records: exactly on the fast paths; by central differences on
 * DL4J's own layers, where a network with kinks (ReLU, max pooling) makes some meta-gradients spike,
 * because a difference across a kink measures the gradient's jump, not the Hessian.
 */
final class HessianProductNotice {
  private final Optional<HessianVectorProduct.Method> method;
  /** Whether the learner has an exact product (which algorithm.hessian-product may still turn down). */
  private final boolean exactAvailable;
  private final List<String> kinks;

  private HessianProductNotice(Optional<HessianVectorProduct.Method> method, boolean exactAvailable,
      List<String> kinks) {
    this.method = method;
    this.exactAvailable = exactAvailable;
    this.kinks = kinks;
  }

  /** Builds one learner on the driver, of the kind the executors will build, to see which product it has. */
  static HessianProductNotice of(TaskRunner runner) {
    HessianVectorProduct hvp = null;
    if (runner.algorithm() instanceof Maml maml) {
      hvp = maml.hvp();
    } else if (runner.algorithm() instanceof MamlPlusPlus mamlPlusPlus) {
      hvp = mamlPlusPlus.hvp();
    }
    if (hvp == null) {
      return new HessianProductNotice(Optional.empty(), false, List.of());
    }
    Learner learner = runner.learner().create(runner.model());
    return new HessianProductNotice(Optional.of(hvp.methodFor(learner)), learner.exactHessian(),
        GradientKinks.of(runner.model().configuration()));
  }

  void print(PrintStream out) {
    if (method.isEmpty()) {
      return;
    }
    if (method.get() == HessianVectorProduct.Method.EXACT) {
      out.println("  second order: exact Hessian-vector products");
      return;
    }
    if (exactAvailable) {
      out.println("  second order: central-difference Hessian-vector products, as algorithm.hessian-product asks"
          + (kinks.isEmpty() ? "" : " (wrong where a step crosses a kink: " + String.join("; ", kinks) + ")"));
      return;
    }
    if (kinks.isEmpty()) {
      out.println("  second order: central-difference Hessian-vector products (DL4J's own layers; the network is smooth)");
      return;
    }
    out.println("  WARNING: second-order MAML on this network uses central-difference Hessian-vector products,");
    out.println("  which are wrong where a step crosses a kink: " + String.join("; ", kinks) + ".");
    out.println("  Some meta-gradients will spike and learning slows (docs/ALGORITHMS.md, \"Second-order MAML\"); for exact");
    out.println("  products use a network the fast paths take (model.learner = auto), or algorithm.name = fomaml.");
  }

  /** {@code hessian_product} in model.json: "exact" or "central-difference"; null for other algorithms. */
  String modelCardValue() {
    return method.map(HessianVectorProduct.Method::key).orElse(null);
  }
}
