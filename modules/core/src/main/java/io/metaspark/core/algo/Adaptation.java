package io.metaspark.core.algo;

import io.metaspark.core.model.Learner;
import io.metaspark.core.task.Examples;
import java.io.Serializable;
import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * Task adaptation, the one way every part of metaspark adapts a model to a task's support set
 * (training, validation, evaluation, the baselines, {@code adapt}): {@code steps} gradient steps,
 * each taken by the {@link UpdateRule}, from the network part of the meta-parameters.
 *
 * <p>The meta-parameters are the network's parameters followed by the rule's learned values, if it
 * has any (see {@link UpdateRule} for how Meta-SGD's per-parameter and MAML++'s per-layer-per-step
 * rates are such values): {@link #initialMeta} builds them, {@link #networkPart} takes the network's
 * back, and {@link #adapt} reads the rule's values from them. A rule that learns nothing (scalar SGD)
 * makes the meta-parameters exactly the network's.
 */
public final class Adaptation implements Serializable {
  private final UpdateRule rule;
  private final int steps;

  public Adaptation(UpdateRule rule, int steps) {
    if (steps < 0) {
      throw new IllegalArgumentException("inner steps must be >= 0, got " + steps);
    }
    this.rule = rule;
    this.steps = steps;
  }

  /**
   * Adaptation by class prototypes (Prototypical Networks): no gradient steps, the network is used
   * as it is; the support set's class prototypes classify the queries ({@link PrototypeEpisode}).
   */
  public static Adaptation prototypes() {
    return new Adaptation(new PrototypeRule(), 0);
  }

  /** Whether this is {@link #prototypes()}: the network embeds, prototypes classify. */
  public boolean byPrototypes() {
    return rule instanceof PrototypeRule;
  }

  public UpdateRule rule() {
    return rule;
  }

  /** The steps training adapts with. */
  public int steps() {
    return steps;
  }

  /** The network's parameters, then the rule's learned values at their starting point. */
  public double[] initialMeta(double[] networkParams) {
    int learned = rule.learnedValues();
    double[] meta = Arrays.copyOf(networkParams, networkParams.length + learned);
    if (learned > 0) {
      double[] values = new double[learned];
      rule.initLearned(networkParams, values);
      System.arraycopy(values, 0, meta, networkParams.length, learned);
    }
    return meta;
  }

  /** The network's parameters in {@code meta}: {@code meta} itself when the rule learns nothing. */
  public double[] networkPart(double[] meta) {
    int learned = rule.learnedValues();
    return learned == 0 ? meta : Arrays.copyOf(meta, checkedNetworkSize(meta));
  }

  /** The rule's learned values in {@code meta}: empty when it learns nothing. */
  public double[] learnedPart(double[] meta) {
    return Arrays.copyOfRange(meta, checkedNetworkSize(meta), meta.length);
  }

  /** The network parameters after the training number of steps; {@code meta} is not changed. */
  public double[] adapt(Learner learner, double[] meta, Examples support) {
    return adapt(learner, meta, support, steps);
  }

  /** The network parameters after {@code stepCount} steps; {@code meta} is not changed. */
  public double[] adapt(Learner learner, double[] meta, Examples support, int stepCount) {
    double[][] adapted = new double[1][];
    adaptThrough(learner, meta, support, new int[] {stepCount}, (index, theta) -> adapted[0] = theta);
    return adapted[0];
  }

  /** Receives the network parameters after {@code stepCounts[index]} steps. */
  @FunctionalInterface
  public interface Observer {
    /** {@code theta} is the adaptation's own vector, changed by the steps after: copy it to keep it. */
    void adapted(int index, double[] theta);
  }

  /**
   * The network parameters after each of {@code stepCounts} (ascending) steps, handed to
   * {@code observer} on the way through one run of the steps, so a curve over 0, 1 and 10 steps
   * costs 10 steps, not 11.
   */
  public void adaptThrough(Learner learner, double[] meta, Examples support, int[] stepCounts, Observer observer) {
    double[] learned = learnedPart(meta);
    double[] current = Arrays.copyOf(meta, meta.length - learned.length);
    double[] gradient = new double[current.length];
    double[] memory = new double[rule.memoryValues(current.length)];
    int done = 0;
    for (int i = 0; i < stepCounts.length; i++) {
      if (stepCounts[i] < done) {
        throw new IllegalArgumentException("step counts must ascend, got " + Arrays.toString(stepCounts));
      }
      for (; done < stepCounts[i]; done++) {
        learner.lossAndGradient(current, support, gradient);
        rule.step(done, learned, memory, current, gradient);
      }
      observer.adapted(i, current);
    }
  }

  /**
   * The training number of steps, keeping what {@link #backward} needs. The last step's gradient
   * keeps its pass ({@link Learner#lossAndGradientForProducts}) for the first Hessian product of the
   * backward pass, at the same parameters.
   */
  public Trajectory trajectory(Learner learner, double[] meta, Examples support) {
    double[] learned = learnedPart(meta);
    double[][] thetas = new double[steps + 1][];
    double[][] gradients = new double[steps][];
    double[][] memories = new double[steps][];
    thetas[0] = Arrays.copyOf(meta, meta.length - learned.length);
    double[] memory = new double[rule.memoryValues(thetas[0].length)];
    for (int s = 0; s < steps; s++) {
      gradients[s] = new double[thetas[s].length];
      if (s == steps - 1) {
        learner.lossAndGradientForProducts(thetas[s], support, gradients[s]);
      } else {
        learner.lossAndGradient(thetas[s], support, gradients[s]);
      }
      thetas[s + 1] = thetas[s].clone();
      rule.step(s, learned, memory, thetas[s + 1], gradients[s]);
      memories[s] = memory.clone();
    }
    return new Trajectory(thetas, gradients, memories, learned);
  }

  /**
   * The gradient with respect to the meta-parameters of a loss on the adapted parameters, from its
   * gradient {@code adaptedGradient} with respect to them (overwritten): back through each step's
   * rule, last to first, with {@code curvatureAt(j)} the support loss's Hessian at theta_j. The
   * network's part, then the learned values' part.
   */
  public double[] backward(Trajectory path, double[] adaptedGradient, IntFunction<Curvature> curvatureAt) {
    int last = path.steps();
    return backward(path, j -> j == last ? adaptedGradient : null, curvatureAt);
  }

  /**
   * The same for a sum of losses on the iterates (MAML++'s multi-step loss): {@code lossGradientAt(j)}
   * is the gradient of the loss on theta_j with respect to it (null where there is none; the one at
   * theta_k is overwritten), added on the way back as the recursion reaches theta_j.
   */
  public double[] backward(Trajectory path, IntFunction<double[]> lossGradientAt, IntFunction<Curvature> curvatureAt) {
    double[] v = lossGradientAt.apply(path.steps());
    if (v == null) {
      v = new double[path.adapted().length];
    }
    double[] learnedGradient = new double[path.learned().length];
    for (int j = path.steps() - 1; j >= 0; j--) {
      rule.backward(j, path.learned(), path.memory(j), path.theta(j), path.gradient(j), v, curvatureAt.apply(j),
          learnedGradient);
      double[] atTheta = j > 0 ? lossGradientAt.apply(j) : null;
      if (atTheta != null) {
        Vectors.axpy(1, atTheta, v);
      }
    }
    if (learnedGradient.length == 0) {
      return v;
    }
    double[] metaGradient = Arrays.copyOf(v, v.length + learnedGradient.length);
    System.arraycopy(learnedGradient, 0, metaGradient, v.length, learnedGradient.length);
    return metaGradient;
  }

  /** For people: e.g. "1 inner step(s) at lr 0.01". */
  public String describe() {
    return byPrototypes() ? "no inner steps, classes " + rule.describe() : steps + " inner step(s) " + rule.describe();
  }

  private int checkedNetworkSize(double[] meta) {
    int networkSize = meta.length - rule.learnedValues();
    if (networkSize < 0) {
      throw new IllegalArgumentException(meta.length + " meta-parameters cannot hold the " + rule.learnedValues()
          + " values the " + rule.name() + " rule learns");
    }
    return networkSize;
  }
}
