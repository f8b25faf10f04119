package io.metaspark.core.algo;

import io.metaspark.core.model.FeatureLearner;
import io.metaspark.core.model.HeadSplit;
import io.metaspark.core.model.Learner;
import io.metaspark.core.model.LinearHead;
import io.metaspark.core.task.Examples;
import io.metaspark.core.task.Task;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ANIL (Raghu, Raghu, Bengio and Vinyals 2020): MAML whose inner loop adapts only the head, the last
 * layer ({@link HeadOnlySgd}), and is cheaper for it: the body's features on the support and query
 * sets are computed once per task, the inner steps and their second-order backward pass run on the
 * head alone ({@link LinearHead}), and the body's gradient takes one backward pass per set.
 *
 * <p>The meta-gradient is exact, the same as second-order MAML's through {@link HeadOnlySgd} on the
 * whole network: the body gets the query loss's gradient through the query features, and, through
 * the support features that shaped the adapted head, -alpha sum_j d/dphi (g_head(h_j) . v_{j+1}),
 * the mixed second derivatives; the head gets (I - alpha H_0) ... (I - alpha H_{k-1}) g_query, H_j
 * the head's support Hessian.
 *
 * <p>The body runs on the network's learner where it gives the features ({@link FeatureLearner}: the
 * convolutional fast path), else on a learner of the body alone, kept per thread and built once
 * (learners are not thread-safe): the fast dense path for an MLP, DL4J's layers otherwise.
 */
public final class Anil implements MetaAlgorithm {
  private final HeadSplit split;
  private final Adaptation adaptation;
  private final double learningRate;
  private transient ThreadLocal<Learner> bodies;

  /** {@code steps} inner steps at {@code learningRate} on the head of the network {@code split} describes. */
  public Anil(HeadSplit split, double learningRate, int steps) {
    this.split = split;
    this.learningRate = learningRate;
    this.adaptation = new Adaptation(new HeadOnlySgd(split.headStart(), learningRate), steps);
  }

  @Override
  public Adaptation adaptation() {
    return adaptation;
  }

  @Override
  public TaskOutcome compute(Learner learner, double[] meta, Task task, boolean measure) {
    LinearHead head = split.head();
    double[] theta = adaptation.networkPart(meta);
    Body body = learner instanceof FeatureLearner features ? new OnTheNetwork(features, theta)
        : new OnItsOwn(body(), split.bodyPart(theta));
    Examples support = task.support(theta, 0);
    Examples query = task.query(theta, 0);
    int ns = (int) support.features().size(0);
    int nq = (int) query.features().size(0);
    double[] supportFeatures = body.features(support.features());
    double[] queryFeatures = body.features(query.features());
    double[] supportLabels = rows(support.labels());
    double[] queryLabels = rows(query.labels());

    int steps = adaptation.steps();
    double[][] heads = new double[steps + 1][];
    heads[0] = split.headPart(theta);
    double[] gradient = new double[heads[0].length];
    for (int j = 0; j < steps; j++) {
      head.lossAndGradient(heads[j], supportFeatures, supportLabels, ns, gradient);
      heads[j + 1] = heads[j].clone();
      Vectors.axpy(-learningRate, gradient, heads[j + 1]);
    }
    double before = measure ? head.loss(heads[0], queryFeatures, queryLabels, nq) : Double.NaN;
    double[] v = new double[gradient.length];
    double after = head.lossAndGradient(heads[steps], queryFeatures, queryLabels, nq, v);
    double[] queryFeatureGradient = new double[nq * head.inputs()];
    head.featureGradient(heads[steps], queryFeatures, queryLabels, nq, queryFeatureGradient);

    // back through the steps: the head's cotangent, and the support features' gradient it leaves
    double[] supportFeatureGradient = new double[ns * head.inputs()];
    double[] hv = new double[v.length];
    for (int j = steps - 1; j >= 0; j--) {
      head.addMixedGradient(heads[j], supportFeatures, supportLabels, ns, v, -learningRate, supportFeatureGradient);
      head.hessianVectorProduct(heads[j], supportFeatures, supportLabels, ns, v, hv);
      Vectors.axpy(-learningRate, hv, v);
    }

    double[] metaGradient = new double[theta.length];
    body.addGradient(query.features(), queryFeatureGradient, metaGradient);
    if (steps > 0) {
      body.addGradient(support.features(), supportFeatureGradient, metaGradient);
    }
    System.arraycopy(v, 0, metaGradient, split.headStart(), v.length);
    return new TaskOutcome(metaGradient, before, measure ? after : Double.NaN);
  }

  /** The body's two passes, at the task's parameters. */
  private interface Body {
    /** The features [n, d] row-major. */
    double[] features(INDArray inputs);

    /** Adds the body's gradient of sum(G * features) into the first entries of {@code metaGradient}. */
    void addGradient(INDArray inputs, double[] featureGradient, double[] metaGradient);
  }

  /** On the network's own fast path ({@link FeatureLearner}): the features are its last layer's inputs. */
  private record OnTheNetwork(FeatureLearner network, double[] theta) implements Body {
    @Override
    public double[] features(INDArray inputs) {
      return network.lastLayerInputs(theta, inputs);
    }

    @Override
    public void addGradient(INDArray inputs, double[] featureGradient, double[] metaGradient) {
      double[] gradient = new double[theta.length];
      network.lastLayerInputsVectorJacobianProduct(theta, inputs, featureGradient, gradient);
      Vectors.axpy(1, gradient, metaGradient);
    }
  }

  /** On a learner of the body alone ({@link HeadSplit#body}), whose outputs are the features. */
  private record OnItsOwn(Learner body, double[] bodyParams) implements Body {
    @Override
    public double[] features(INDArray inputs) {
      return rows(body.outputs(bodyParams, inputs));
    }

    @Override
    public void addGradient(INDArray inputs, double[] featureGradient, double[] metaGradient) {
      double[] gradient = new double[bodyParams.length];
      int n = (int) inputs.size(0);
      body.vectorJacobianProduct(bodyParams, inputs,
          Nd4j.create(featureGradient, new long[] {n, featureGradient.length / n}, DataType.DOUBLE), gradient);
      for (int i = 0; i < gradient.length; i++) {
        metaGradient[i] += gradient[i];
      }
    }
  }

  /**
   * The body's passes: a forward and a backward pass over the support set and over the query set
   * (the head's arithmetic is small beside them).
   */
  @Override
  public long gradientExamples(int supportSize, int querySize) {
    return (long) supportSize + querySize;
  }

  @Override
  public String name() {
    return "anil";
  }

  private synchronized ThreadLocal<Learner> bodies() {
    if (bodies == null) {
      bodies = ThreadLocal.withInitial(() -> split.body().newLearner());
    }
    return bodies;
  }

  private Learner body() {
    return bodies().get();
  }

  private static double[] rows(INDArray matrix) {
    return matrix.castTo(DataType.DOUBLE).dup('c').data().asDouble();
  }

}
