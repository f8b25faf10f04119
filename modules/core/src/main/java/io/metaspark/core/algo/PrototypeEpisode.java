package io.metaspark.core.algo;

import io.metaspark.core.model.Learner;
import io.metaspark.core.task.Examples;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A support set and query images embedded together by one forward pass of the embedding network
 * (batch normalization sees them as one batch, as in the Prototypical Networks reference code), the
 * support set's {@link Prototypes}, and what training, evaluation and {@code adapt} read off them:
 * the queries' class probabilities, their cross-entropy, and its gradient with respect to the
 * embeddings, from which the network's backward pass starts.
 *
 * @param features the support features, then the query features, as embedded
 */
public record PrototypeEpisode(INDArray features, Prototypes prototypes, double[] supportEmbeddings,
    double[] supportLabels, double[] queryEmbeddings) {

  /** Embeds {@code support} and {@code queryFeatures} with the network at {@code theta}. */
  public static PrototypeEpisode embed(Learner learner, double[] theta, Examples support, INDArray queryFeatures) {
    INDArray features = Nd4j.concat(0, support.features(), queryFeatures.castTo(support.features().dataType()));
    int ns = (int) support.features().size(0);
    double[] all = values(learner.outputs(theta, features));
    int dim = (int) (all.length / features.size(0));
    double[] supportEmbeddings = Arrays.copyOfRange(all, 0, ns * dim);
    double[] supportLabels = values(support.labels());
    Prototypes prototypes = Prototypes.of(supportEmbeddings, dim, supportLabels, (int) support.labels().size(1));
    return new PrototypeEpisode(features, prototypes, supportEmbeddings, supportLabels,
        Arrays.copyOfRange(all, ns * dim, all.length));
  }

  /** The queries' class probabilities [m, ways]. */
  public INDArray probabilities() {
    double[] p = prototypes.probabilities(queryEmbeddings);
    return Nd4j.create(p, new long[] {p.length / prototypes.ways(), prototypes.ways()}, DataType.DOUBLE);
  }

  /** The queries' mean cross-entropy against their one-hot labels [m, ways]. */
  public double loss(double[] queryLabels) {
    return prototypes.loss(queryEmbeddings, queryLabels);
  }

  /**
   * d loss / d embeddings [support rows + query rows, dim]. With z_ik = -|q_i - c_k|^2 and
   * dz = (p - y) / m (m the queries in the loss): dq_i = -2 sum_k dz_ik (q_i - c_k),
   * dc_k = 2 sum_i dz_ik (q_i - c_k), and a support example of class k gets dc_k / |class k|.
   * Classes without prototype have p = 0 and no query in the loss: they contribute nothing.
   */
  public INDArray embeddingGradient(double[] queryLabels) {
    int ways = prototypes.ways();
    int dim = prototypes.dim();
    int ns = supportEmbeddings.length / dim;
    int nq = queryEmbeddings.length / dim;
    double[] p = prototypes.probabilities(queryEmbeddings);
    int[] queryClasses = Prototypes.classes(queryLabels, ways);
    int counted = prototypes.classifiable(queryLabels);
    double[][] centers = new double[ways][];
    for (int k = 0; k < ways; k++) {
      centers[k] = prototypes.center(k);
    }
    double[] out = new double[(ns + nq) * dim];
    double[] centerGradient = new double[ways * dim];
    for (int i = 0; i < nq; i++) {
      if (!prototypes.has(queryClasses[i])) {
        continue;
      }
      int queryAt = (ns + i) * dim;
      for (int k = 0; k < ways; k++) {
        if (!prototypes.has(k)) {
          continue;
        }
        double dz = (p[i * ways + k] - (queryClasses[i] == k ? 1 : 0)) / counted;
        for (int d = 0; d < dim; d++) {
          double diff = queryEmbeddings[i * dim + d] - centers[k][d];
          out[queryAt + d] -= 2 * dz * diff;
          centerGradient[k * dim + d] += 2 * dz * diff;
        }
      }
    }
    int[] supportClasses = Prototypes.classes(supportLabels, ways);
    int[] counts = prototypes.counts();
    for (int j = 0; j < ns; j++) {
      int k = supportClasses[j];
      for (int d = 0; d < dim; d++) {
        out[j * dim + d] = centerGradient[k * dim + d] / counts[k];
      }
    }
    return Nd4j.create(out, new long[] {ns + nq, dim}, DataType.DOUBLE);
  }

  /** An array's values in C order, as doubles. */
  public static double[] values(INDArray array) {
    return array.castTo(DataType.DOUBLE).dup('c').data().asDouble();
  }
}
