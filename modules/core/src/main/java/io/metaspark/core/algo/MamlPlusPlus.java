package io.metaspark.core.algo;

import io.metaspark.core.model.Learner;
import io.metaspark.core.task.Examples;
import io.metaspark.core.task.Task;
import java.util.Arrays;

/**
 * MAML++ (Antoniou, Edwards and Storkey 2019), its training-time parts each switchable: the
 * adaptation's rule (per-layer per-step learned rates, {@link PerLayerPerStepRates}, or MAML's
 * scalar SGD); the multi-step loss, the query loss after every inner step weighted by
 * {@link MultiStepLossWeights} for the first {@code multiStepIterations} iterations, the last step's
 * alone after; and derivative-order annealing, first order (Hessians taken as zero) for the first
 * {@code firstOrderIterations} iterations, exact second order after. Cosine annealing of the outer
 * rate is the outer optimizer's schedule, not the algorithm's.
 *
 * <p>The iteration a task belongs to is its descriptor's, so the meta-gradient stays a pure
 * function of the meta-parameters and the task.
 */
public record MamlPlusPlus(Adaptation adaptation, HessianVectorProduct hvp, long multiStepIterations,
    long firstOrderIterations) implements MetaAlgorithm {
  private static final Curvature NO_CURVATURE = (direction, out) -> Arrays.fill(out, 0);

  @Override
  public TaskOutcome compute(Learner learner, double[] meta, Task task, boolean measure) {
    long iteration = task.descriptor().iteration();
    double[] theta = adaptation.networkPart(meta);
    Examples support = task.support(theta, 0);
    double before = measure ? learner.loss(theta, task.query(theta, 0)) : Double.NaN;
    Trajectory path = adaptation.trajectory(learner, meta, support);
    int steps = path.steps();
    double[] weights = iteration < multiStepIterations
        ? MultiStepLossWeights.at(iteration, multiStepIterations, steps) : MultiStepLossWeights.lastOnly(steps);
    double[][] lossGradients = new double[steps + 1][];
    double after = Double.NaN;
    for (int j = 1; j <= steps; j++) {
      if (weights[j - 1] == 0) {
        continue;
      }
      double[] gradient = new double[theta.length];
      double loss = learner.lossAndGradient(path.theta(j), task.query(path.theta(j), 0), gradient);
      for (int i = 0; i < gradient.length; i++) {
        gradient[i] *= weights[j - 1];
      }
      lossGradients[j] = gradient;
      if (j == steps) {
        after = loss;
      }
    }
    if (steps == 0) {
      lossGradients[0] = new double[theta.length];
      after = learner.lossAndGradient(theta, task.query(theta, 0), lossGradients[0]);
    }
    boolean firstOrder = iteration < firstOrderIterations;
    double[] metaGradient = adaptation.backward(path, j -> lossGradients[j], j -> firstOrder ? NO_CURVATURE
        : (direction, out) -> hvp.apply(learner, path.theta(j), support, direction, out));
    return new TaskOutcome(metaGradient, before, measure ? after : Double.NaN);
  }

  /** As MAML's, with a query gradient per inner step while the multi-step loss is on (counted as on). */
  @Override
  public long gradientExamples(int supportSize, int querySize) {
    int steps = adaptation.steps();
    return 3L * steps * supportSize + (multiStepIterations > 0 ? Math.max(1, steps) : 1L) * querySize;
  }

  @Override
  public String name() {
    return "maml++";
  }
}
