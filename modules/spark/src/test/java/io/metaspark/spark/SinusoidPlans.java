package io.metaspark.spark;

import io.metaspark.core.algo.Adaptation;
import io.metaspark.core.algo.Anil;
import io.metaspark.core.algo.FirstOrderMaml;
import io.metaspark.core.algo.HessianVectorProduct;
import io.metaspark.core.algo.Maml;
import io.metaspark.core.algo.MamlPlusPlus;
import io.metaspark.core.algo.MetaAlgorithm;
import io.metaspark.core.algo.PerLayerPerStepRates;
import io.metaspark.core.algo.PerParameterRates;
import io.metaspark.core.algo.Reptile;
import io.metaspark.core.algo.ScalarSgd;
import io.metaspark.core.model.HeadSplit;
import io.metaspark.core.model.MlpShorthand;
import io.metaspark.core.model.ModelSpec;
import io.metaspark.core.model.ParameterInit;
import io.metaspark.core.optim.Adam;
import io.metaspark.core.optim.GradientTransformation;
import io.metaspark.core.task.SinusoidTaskFamily;
import io.metaspark.core.task.TaskFamily;
import io.metaspark.core.task.TaskSampler;
import org.apache.spark.api.java.JavaSparkContext;

/** The sinusoid benchmark's plan at sizes a test can afford. */
final class SinusoidPlans {
  static final ModelSpec MODEL = MlpShorthand.parse("1-40-40-1").activation("relu").seed(7).toSpec();

  private SinusoidPlans() {}

  static TrainingPlan plan(String algorithm, TaskFamily family, long iterations, int metaBatch, int partitions) {
    return plan(algorithm, family, iterations, metaBatch, partitions, 2);
  }

  /** @param treeDepth 1 merges partitions' sums on the driver (aggregate); 2+ uses treeAggregate */
  static TrainingPlan plan(String algorithm, TaskFamily family, long iterations, int metaBatch, int partitions,
      int treeDepth) {
    MetaAlgorithm algo = algorithm(algorithm, new Adaptation(new ScalarSgd(0.01), 1));
    GradientTransformation adam = Adam.withDefaults(0.001);
    return TrainingPlan.builder(new TaskRunner(MODEL, family, algo), new TaskSampler(42), adam).iterations(iterations)
        .metaBatch(metaBatch).partitions(partitions).treeDepth(treeDepth).measureEvery(5).maxSkippedUpdates(3).build();
  }

  /**
   * maml (with exact Hessian-vector products), fomaml or reptile, adapting by {@code adaptation};
   * meta-sgd and meta-sgd-first-order, learning a rate per parameter from its step size;
   * maml-plus-plus, with per-layer per-step rates, the multi-step loss for 4 iterations and first
   * order for 2; anil.
   */
  static MetaAlgorithm algorithm(String name, Adaptation adaptation) {
    Adaptation learnedRates = new Adaptation(new PerParameterRates(MODEL.layout().total(),
        adaptation.rule().learningRate()), adaptation.steps());
    return switch (name) {
      case "maml" -> new Maml(adaptation, HessianVectorProduct.exactWhereAvailable(0));
      case "fomaml" -> new FirstOrderMaml(adaptation);
      case "reptile" -> new Reptile(adaptation);
      case "meta-sgd" -> new Maml(learnedRates, HessianVectorProduct.exactWhereAvailable(0));
      case "meta-sgd-first-order" -> new FirstOrderMaml(learnedRates);
      case "maml-plus-plus" -> new MamlPlusPlus(new Adaptation(new PerLayerPerStepRates(MODEL.layout(),
          adaptation.steps(), adaptation.rule().learningRate()), adaptation.steps()),
          HessianVectorProduct.exactWhereAvailable(0), 4, 2);
      case "anil" -> new Anil(HeadSplit.of(MODEL), adaptation.rule().learningRate(), adaptation.steps());
      default -> throw new IllegalArgumentException("no test plan for the algorithm " + name);
    };
  }

  static TrainingPlan plan(String algorithm, long iterations, int metaBatch, int partitions) {
    return plan(algorithm, SinusoidTaskFamily.mamlProtocol(10, 10), iterations, metaBatch, partitions);
  }

  /** The parameters {@code plan} ends with on {@code sc}, from its {@link #start}, heard by no listener. */
  static double[] train(JavaSparkContext sc, TrainingPlan plan) {
    return new SparkMetaTrainer(sc, plan).train(start(plan), (r, s) -> {}).params();
  }

  /** The sinusoid config's starting point (PyTorch's default init), and the algorithm's learned values' start. */
  static TrainingState start(TrainingPlan plan) {
    double[] theta = plan.runner().algorithm().init(ParameterInit.FAN_IN_UNIFORM.initialParams(MODEL, 1));
    return new TrainingState(0, theta, plan.optimizer().init(theta));
  }
}
