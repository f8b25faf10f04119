package io.metaspark.core.algo;

import io.metaspark.core.optim.MetaBatchCurvature;
import io.metaspark.core.sum.OutcomeSum;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A meta-batch's curvature from the tasks one place holds: each round sums their answers exactly
 * ({@link OutcomeSum}), hands that partial sum to {@code allReduce}, which returns the whole
 * meta-batch's sum (in barrier mode, every partition's partial merged; in one process, the partial
 * itself), and takes its mean. The exact sum makes the mean the same bit for bit however the tasks
 * are spread, so every partition's copy of the outer step takes the same step.
 */
public final class TrustRegionTasks implements MetaBatchCurvature {
  private final List<TrustRegionTask> mine;
  private final UnaryOperator<OutcomeSum> allReduce;

  public TrustRegionTasks(List<TrustRegionTask> mine, UnaryOperator<OutcomeSum> allReduce) {
    this.mine = List.copyOf(mine);
    this.allReduce = allReduce;
  }

  @Override
  public double[] fisherProduct(double[] v) {
    OutcomeSum partial = OutcomeSum.empty();
    mine.forEach(task -> partial.add(new TaskOutcome(task.fisherProduct(v), Double.NaN, Double.NaN)));
    return allReduce.apply(partial).mean().metaGradient();
  }

  @Override
  public double[] klGradient(double[] candidate) {
    OutcomeSum partial = OutcomeSum.empty();
    mine.forEach(task -> partial.add(new TaskOutcome(task.klGradient(candidate), Double.NaN, Double.NaN)));
    return allReduce.apply(partial).mean().metaGradient();
  }

  /** The tasks' own {@link TrustRegionTask#surrogateAtStart}, in a round of one entry: nothing is recomputed. */
  @Override
  public double surrogateAtCurrent(double[] params) {
    OutcomeSum partial = OutcomeSum.empty();
    mine.forEach(task -> partial.add(new TaskOutcome(new double[] {task.surrogateAtStart()}, Double.NaN, Double.NaN)));
    return allReduce.apply(partial).mean().metaGradient()[0];
  }

  @Override
  public SurrogateAndKl at(double[] candidate) {
    OutcomeSum partial = OutcomeSum.empty();
    mine.forEach(task -> partial.add(new TaskOutcome(task.surrogateAndKl(candidate), Double.NaN, Double.NaN)));
    double[] mean = allReduce.apply(partial).mean().metaGradient();
    return new SurrogateAndKl(mean[0], mean[1]);
  }
}
