package io.metaspark.core.algo;

import io.metaspark.core.model.Learner;
import io.metaspark.core.task.Examples;
import io.metaspark.core.task.Task;

/**
 * Prototypical Networks (Snell, Swersky and Zemel 2017): the network embeds, each class's prototype
 * is the mean embedding of its support examples, and a query is classified by a softmax over its
 * negative squared Euclidean distances to the prototypes. The meta-parameters are the embedding
 * network's; there is no inner loop: one forward pass embeds the support and query sets together
 * (so batch normalization sees one batch, as in the reference code), and one backward pass, from
 * the embeddings' gradient ({@link Learner#vectorJacobianProduct}), gives the gradient of the
 * query cross-entropy through the prototypes and the queries alike.
 *
 * <p>Its adaptation is {@link Adaptation#prototypes()}: what evaluation, validation and adapt use.
 */
public record ProtoNet() implements MetaAlgorithm {
  @Override
  public Adaptation adaptation() {
    return Adaptation.prototypes();
  }

  /**
   * The gradient of the episode's query cross-entropy. Both reported losses are that loss (measured
   * or not, it is computed anyway): there is nothing before adaptation to compare with.
   */
  @Override
  public TaskOutcome compute(Learner learner, double[] meta, Task task, boolean measure) {
    Examples query = task.query(meta, 0);
    PrototypeEpisode episode = PrototypeEpisode.embed(learner, meta, task.support(meta, 0), query.features());
    double[] labels = PrototypeEpisode.values(query.labels());
    double[] gradient = new double[meta.length];
    learner.vectorJacobianProduct(meta, episode.features(), episode.embeddingGradient(labels), gradient);
    double loss = episode.loss(labels);
    return new TaskOutcome(gradient, loss, loss);
  }

  @Override
  public long gradientExamples(int supportSize, int querySize) {
    return (long) supportSize + querySize;
  }

  @Override
  public String name() {
    return "protonet";
  }
}
